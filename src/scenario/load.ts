import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { InputError, type InputIssue, NotFoundError } from '../errors.js';
import { formatPath, issuesFromZod } from '../model/validate.js';
import { IssueList } from './issues.js';
import { resolveScenario } from './resolve.js';
import { ScenarioFile } from './schema.js';
import type { Scenario } from './types.js';
import { parseYaml, type YamlSource } from './yaml-source.js';

/**
 * Loads a scenario: YAML (syntax errors with line and column) → schema (every issue with its path, value,
 * expectation and YAML line) → resolution (generators expanded for the seed, references checked).
 * Throws InputError listing every problem, or NotFoundError when the file cannot be read.
 */
export interface LoadOptions {
  /** The policy names the file may list (e.g. a policy resolver's); unchecked when absent. */
  policies?: readonly string[];
}

export function loadScenarioFile(path: string, options: LoadOptions = {}): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code);
    throw new NotFoundError(`${path}: cannot read scenario file (${why})`, { cause: e });
  }
  return loadScenarioText(text, path, dirname(resolve(path)), options);
}

/** Like loadScenarioFile for text in memory; `source` names it in messages, `baseDir` anchors relative paths. */
export function loadScenarioText(
  text: string,
  source: string,
  baseDir: string,
  options: LoadOptions = {},
): Scenario {
  const yaml = parseYaml(text, source);
  if (yaml.data === null || yaml.data === undefined) {
    throw new InputError(source, [{ path: '', message: 'empty document; expected a scenario mapping' }]);
  }
  const parsed = ScenarioFile.safeParse(yaml.data);
  if (!parsed.success) {
    const zodIssues = preferBranches(parsed.error.issues);
    const issues = issuesFromZod(new z.ZodError(zodIssues), yaml.data);
    zodIssues.forEach((issue, i) => {
      // An unknown field is located at the field itself, not at the object holding it.
      const at = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
      withLine(issues[i]!, at, yaml);
    });
    throw new InputError(source, issues);
  }
  const list = new IssueList();
  const scenario = resolveScenario(parsed.data, baseDir, list);
  if (options.policies) checkPolicies(scenario.policies, options.policies, list);
  if (list.size > 0) {
    throw new InputError(
      source,
      list.items.map((item) => {
        const out: InputIssue = { path: formatPath(item.path), message: item.message };
        if ('value' in item) out.value = item.value;
        return withLine(out, item.path, yaml);
      }),
    );
  }
  scenario.warnings = list.warnings.map((item) =>
    withLine({ path: formatPath(item.path), message: item.message, value: item.value }, item.path, yaml),
  );
  return scenario;
}

function checkPolicies(names: readonly string[], known: readonly string[], list: IssueList): void {
  names.forEach((name, i) => {
    if (!known.includes(name))
      list.addValue(['policies', i], `unknown policy; expected one of ${known.join(', ')}`, name);
  });
}

function withLine(issue: InputIssue, path: readonly PropertyKey[], yaml: YamlSource): InputIssue {
  const line = yaml.lineOf(path);
  if (line !== undefined) issue.line = line;
  return issue;
}

/**
 * A union that fails reports one issue for the whole value. When one branch clearly was meant (it failed
 * below the value itself, not on the value's type or its keys), report that branch's issues instead, with
 * their deeper paths. Applied recursively.
 */
function preferBranches(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const meant = issue.errors.filter((branch) =>
        branch.every((b) => b.path.length > 0 && b.code !== 'unrecognized_keys'),
      );
      if (meant.length === 1) {
        const prefixed = meant[0]!.map(
          (b) => ({ ...b, path: [...issue.path, ...b.path] }) as z.core.$ZodIssue,
        );
        out.push(...preferBranches(prefixed));
        continue;
      }
    }
    out.push(issue);
  }
  return out;
}
