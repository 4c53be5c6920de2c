import { parseYaml, readTextFile, type YamlSource } from '../util/yaml-file.js';
import type { Policy } from './policy.js';
import { BUILTIN_PROFILES_YAML } from './profiles/builtin.js';
import { compileProfilesYaml } from './profiles.js';
import type { PluginRegistry } from './registry.js';

/** One profiles document: its YAML text and the name it is reported under. */
interface ProfilesSource {
  readonly text: string;
  readonly source: string;
}

const BUILTIN: ProfilesSource = { text: BUILTIN_PROFILES_YAML, source: 'built-in profiles' };

/** Plugin declarations by instance name, as a document's `plugins:` gives them. */
type Plugins = Readonly<Record<string, unknown>>;

/** The `plugins:` of a parsed profiles document (it compiled, so its shape is known). */
function pluginsOf(yaml: YamlSource): Plugins {
  const data = yaml.data as { plugins?: Plugins };
  return data.plugins ?? {};
}

/**
 * The one way a policy name becomes a compiled Policy, shared by `route`, `serve` and `simulate`: the
 * built-in profiles, then the profiles of a user's file (a profile of the file replaces a built-in one of
 * the same name; its profiles may name the built-in plugin instances, such as `completion-time` or
 * `no-herd`, without declaring them). Every document is validated when the resolver is made, so a bad profiles file fails
 * before any run; `resolve` compiles a fresh policy each time (plugin state such as a round-robin cursor
 * is never shared between two runs).
 */
export class PolicyResolver {
  /** Every resolvable name: the built-in ones (in their file's order), then the file's new ones in file order. */
  readonly names: readonly string[];
  /** The document each name comes from, parsed once (compiling a policy does not read the YAML again). */
  private readonly sourceOf: ReadonlyMap<string, { source: string; yaml: YamlSource; inherited: Plugins }>;

  private constructor(
    sources: readonly ProfilesSource[],
    private readonly registry: PluginRegistry | undefined,
  ) {
    const sourceOf = new Map<string, { source: string; yaml: YamlSource; inherited: Plugins }>();
    let inherited: Plugins = {};
    for (const s of sources) {
      const doc = { source: s.source, yaml: parseYaml(s.text, s.source), inherited };
      for (const name of compileProfilesYaml(doc.yaml, s.source, registry, inherited).keys())
        sourceOf.set(name, doc);
      // A later document (a user's file) may name the plugin instances this one declares.
      inherited = { ...inherited, ...pluginsOf(doc.yaml) };
    }
    this.sourceOf = sourceOf;
    this.names = [...sourceOf.keys()];
  }

  /** The built-in profiles, plus those of `profilesFile` when given (UnreadableFileError when it cannot be read). */
  static load(profilesFile?: string, registry?: PluginRegistry): PolicyResolver {
    if (profilesFile === undefined) return new PolicyResolver([BUILTIN], registry);
    return PolicyResolver.fromText(readTextFile(profilesFile, 'profiles file'), profilesFile, registry);
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
    return s === undefined
      ? undefined
      : compileProfilesYaml(s.yaml, s.source, this.registry, s.inherited).get(name);
  }

  /** The message for a name that resolves to nothing: `unknown policy "x"; expected one of a, b, c`. */
  unknown(name: string): string {
    return `unknown policy "${name}"; expected one of ${this.names.join(', ')}`;
  }
}

/**
 * Why `policy` cannot route live traffic (`route`, `serve`), or undefined. A clairvoyant profile
 * (`estimate.truth`) is told the simulator's hidden truth, which a live router does not have.
 */
export function notLive(policy: Policy): string | undefined {
  return policy.spec.estimate.truth
    ? `profile "${policy.name}" sets estimate.truth: only the simulator has a hidden truth to tell a router`
    : undefined;
}
