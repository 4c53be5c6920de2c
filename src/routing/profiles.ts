import { z } from 'zod';
import { InputError, type InputIssue } from '../errors.js';
import { POLICY_NAMES, type PolicyName } from '../model/policies.js';
import { formatPath, issuesFromZod } from '../model/validate.js';
import { loadYamlFile, parseYaml, type YamlSource } from '../util/yaml-file.js';
import type { Filter, Picker, Scorer } from './contracts.js';
import { defaultRegistry } from './plugins/index.js';
import type { NamedFilter, Policy, WeightedScorer } from './policy.js';
import { ProfileSpec } from './policy.js';
import { BUILTIN_PROFILES_YAML } from './profiles/builtin.js';
import type { PluginKind, PluginRegistry } from './registry.js';

const PluginInstance = z.object({ type: z.string().min(1), parameters: z.unknown().optional() }).strict();
const ProfilesFile = z
  .object({
    plugins: z.record(z.string(), z.unknown()).default({}),
    profiles: z.record(z.string(), z.unknown()),
  })
  .strict();

/** A validated plugin declaration: its kind and a factory for fresh instances (one per profile). */
type Instance = { kind: PluginKind; create: () => Filter | Scorer | Picker };

/** `profiles` + `[fast]` + `scorers[2]` → `profiles[fast].scorers[2]`. */
function under(prefix: string, rest: string): string {
  if (rest === '') return prefix;
  return rest.startsWith('[') ? prefix + rest : `${prefix}.${rest}`;
}

/** `loadProfiles` of a profiles file; UnreadableFileError when the file cannot be read. */
export function loadProfilesFile(
  file: string,
  registry: PluginRegistry = defaultRegistry(),
): Map<string, Policy> {
  const yaml = loadYamlFile(file, 'profiles file');
  return compileProfiles(yaml.data, yaml.lineOf, file, registry);
}

/**
 * Parses and validates a profiles document (YAML text): every plugin instance names a registered type
 * with valid parameters, every profile references existing instances of the right kind. Returns a fresh
 * compiled Policy per profile (plugin state such as a round-robin cursor is per policy). Throws an
 * InputError listing every problem with its path, e.g. `profiles[fast].scorers[2]: references unknown
 * plugin "qeue-wait"`.
 */
export function loadProfiles(
  text: string,
  source: string,
  registry: PluginRegistry = defaultRegistry(),
): Map<string, Policy> {
  return compileProfilesYaml(parseYaml(text, source), source, registry);
}

/**
 * `loadProfiles` of a document already parsed (the YAML is not read again; nothing in it is changed).
 * `inherited`: plugin declarations its profiles may name without declaring them (a user's file gets the
 * built-in ones); a declaration of the document's own under the same name replaces the inherited one.
 */
export function compileProfilesYaml(
  yaml: YamlSource,
  source: string,
  registry: PluginRegistry = defaultRegistry(),
  inherited: Readonly<Record<string, unknown>> = {},
): Map<string, Policy> {
  return compileProfiles(yaml.data, yaml.lineOf, source, registry, inherited);
}

function compileProfiles(
  data: unknown,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
  source: string,
  registry: PluginRegistry,
  inherited: Readonly<Record<string, unknown>> = {},
): Map<string, Policy> {
  const issues: InputIssue[] = [];
  const add = (issue: InputIssue, path: readonly PropertyKey[]) => {
    const line = lineOf(path);
    issues.push(line === undefined ? issue : { ...issue, line });
  };
  const file = ProfilesFile.safeParse(data);
  if (!file.success) {
    for (const [k, issue] of issuesFromZod(file.error, data).entries())
      add(issue, file.error.issues[k]!.path);
    throw new InputError(source, issues);
  }

  const instances = new Map<string, Instance>();
  const declared = { ...inherited, ...file.data.plugins };
  for (const [name, raw] of Object.entries(declared)) {
    // An inherited declaration was validated in its own document; only the document's own are reported.
    const own = Object.hasOwn(file.data.plugins, name);
    const inst = buildInstance(name, raw, registry, own ? add : () => {});
    if (inst) instances.set(name, inst);
  }
  const policies = new Map<string, Policy>();
  for (const [name, raw] of Object.entries(file.data.profiles)) {
    const policy = buildPolicy(name, raw, declared, instances, add);
    if (policy) policies.set(name, policy);
  }
  if (issues.length > 0) throw new InputError(source, issues);
  return policies;
}

function buildInstance(
  name: string,
  raw: unknown,
  registry: PluginRegistry,
  add: (issue: InputIssue, path: readonly PropertyKey[]) => void,
): Instance | undefined {
  const at = `plugins[${name}]`;
  const parsed = PluginInstance.safeParse(raw);
  if (!parsed.success) {
    for (const [k, issue] of issuesFromZod(parsed.error, raw).entries())
      add({ ...issue, path: under(at, issue.path) }, ['plugins', name, ...parsed.error.issues[k]!.path]);
    return undefined;
  }
  const def = registry.get(parsed.data.type);
  if (!def) {
    const known = registry
      .list()
      .map((d) => d.type)
      .join(', ');
    add({ path: `${at}.type`, message: `unknown plugin type "${parsed.data.type}" (known: ${known})` }, [
      'plugins',
      name,
      'type',
    ]);
    return undefined;
  }
  const params = def.params.safeParse(parsed.data.parameters ?? {});
  if (!params.success) {
    for (const [k, issue] of issuesFromZod(params.error, parsed.data.parameters ?? {}).entries())
      add({ ...issue, path: under(`${at}.parameters`, issue.path) }, [
        'plugins',
        name,
        'parameters',
        ...params.error.issues[k]!.path,
      ]);
    return undefined;
  }
  return { kind: def.kind, create: () => def.create(params.data as never) };
}

function buildPolicy(
  name: string,
  raw: unknown,
  declared: Record<string, unknown>,
  instances: Map<string, Instance>,
  add: (issue: InputIssue, path: readonly PropertyKey[]) => void,
): Policy | undefined {
  const at = `profiles[${name}]`;
  const parsed = ProfileSpec.safeParse(raw);
  if (!parsed.success) {
    for (const [k, issue] of issuesFromZod(parsed.error, raw).entries())
      add({ ...issue, path: under(at, issue.path) }, ['profiles', name, ...parsed.error.issues[k]!.path]);
    return undefined;
  }
  const spec = parsed.data;
  let ok = true;
  // Each profile gets its own plugin instances (fresh state), created from the validated declarations.
  const resolve = (ref: string, kind: PluginKind, path: (string | number)[]): Instance | undefined => {
    const inst = instances.get(ref);
    if (!inst) {
      ok = false;
      if (!(ref in declared))
        add({ path: under(at, formatPath(path)), message: `references unknown plugin "${ref}"` }, [
          'profiles',
          name,
          ...path,
        ]);
      return undefined;
    }
    if (inst.kind !== kind) {
      ok = false;
      add(
        { path: under(at, formatPath(path)), message: `plugin "${ref}" is a ${inst.kind}, not a ${kind}` },
        ['profiles', name, ...path],
      );
      return undefined;
    }
    return inst;
  };
  const filters: NamedFilter[] = [];
  spec.filters.forEach((ref, k) => {
    const inst = resolve(ref, 'filter', ['filters', k]);
    if (inst) filters.push({ name: ref, filter: inst.create() as Filter });
  });
  const scorers: WeightedScorer[] = [];
  spec.scorers.forEach((entry, k) => {
    const ref = typeof entry === 'string' ? entry : entry.plugin;
    const weight = typeof entry === 'string' ? 1 : entry.weight;
    const inst = resolve(ref, 'scorer', ['scorers', k]);
    if (inst) scorers.push({ name: ref, weight, scorer: inst.create() as Scorer });
  });
  const pick = resolve(spec.picker, 'picker', ['picker']);
  if (!ok || !pick) return undefined;
  return { name, spec, filters, scorers, picker: { name: spec.picker, picker: pick.create() as Picker } };
}

/** The built-in profiles (one per policy preset), freshly compiled. */
export function builtinPolicies(registry?: PluginRegistry): Map<string, Policy> {
  return loadProfiles(BUILTIN_PROFILES_YAML, 'built-in profiles', registry);
}

/** A fresh compiled policy preset by name (`random`, `round-robin`, `nearest`, `least-loaded`, `p2c`, `meridian`). */
export function policyByName(name: PolicyName): Policy {
  const p = builtinPolicies().get(name);
  if (!p) throw new Error(`built-in profile "${name}" is missing`);
  return p;
}

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}
