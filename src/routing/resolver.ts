import { readFileSync } from 'node:fs';
import { NotFoundError } from '../errors.js';
import type { Policy } from './policy.js';
import { BUILTIN_PROFILES_YAML } from './profiles/builtin.js';
import { loadProfiles } from './profiles.js';
import type { PluginRegistry } from './registry.js';

/** One profiles document: its YAML text and the name it is reported under. */
interface ProfilesSource {
  readonly text: string;
  readonly source: string;
}

const BUILTIN: ProfilesSource = { text: BUILTIN_PROFILES_YAML, source: 'built-in profiles' };

/**
 * The one way a policy name becomes a compiled Policy, shared by `route`, `serve` and `simulate`: the
 * built-in profiles, then the profiles of a user's file (a profile of the file replaces a built-in one of
 * the same name). Every document is validated when the resolver is made, so a bad profiles file fails
 * before any run; `resolve` compiles a fresh policy each time (plugin state such as a round-robin cursor
 * is never shared between two runs).
 */
export class PolicyResolver {
  /** Every resolvable name: the built-in ones (in their file's order), then the file's new ones in file order. */
  readonly names: readonly string[];
  private readonly sourceOf: ReadonlyMap<string, ProfilesSource>;

  private constructor(
    sources: readonly ProfilesSource[],
    private readonly registry: PluginRegistry | undefined,
  ) {
    const sourceOf = new Map<string, ProfilesSource>();
    for (const s of sources)
      for (const name of loadProfiles(s.text, s.source, registry).keys()) sourceOf.set(name, s);
    this.sourceOf = sourceOf;
    this.names = [...sourceOf.keys()];
  }

  /** The built-in profiles, plus those of `profilesFile` when given (NotFoundError when it cannot be read). */
  static load(profilesFile?: string, registry?: PluginRegistry): PolicyResolver {
    if (profilesFile === undefined) return new PolicyResolver([BUILTIN], registry);
    let text: string;
    try {
      text = readFileSync(profilesFile, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new NotFoundError(`${profilesFile}: cannot read profiles file (${String(code)})`, { cause: e });
    }
    return PolicyResolver.fromText(text, profilesFile, registry);
  }

  /** The built-in profiles plus a profiles document in memory, reported as `source`. */
  static fromText(text: string, source: string, registry?: PluginRegistry): PolicyResolver {
    return new PolicyResolver([BUILTIN, { text, source }], registry);
  }

  has(name: string): boolean {
    return this.sourceOf.has(name);
  }

  /** A freshly compiled policy named `name`, or undefined when no profile has that name. */
  resolve(name: string): Policy | undefined {
    const s = this.sourceOf.get(name);
    return s === undefined ? undefined : loadProfiles(s.text, s.source, this.registry).get(name);
  }

  /** The message for a name that resolves to nothing: `unknown policy "x"; expected one of a, b, c`. */
  unknown(name: string): string {
    return `unknown policy "${name}"; expected one of ${this.names.join(', ')}`;
  }
}
