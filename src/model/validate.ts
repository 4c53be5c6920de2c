import type { z } from 'zod';
import { InputError, type InputIssue } from '../errors.js';

export type PathSegment = string | number;

/** `['network', 'nodes', 12, 'location', 'lat']` → `network.nodes[12].location.lat`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg))
      out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** The value found at `path` inside `data`, or undefined. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** ` items` or ` item` after an array's bound, ` characters` after a string's, nothing after a number's. */
function unit(origin: string, bound: number | bigint): string {
  const one = Number(bound) === 1;
  if (origin === 'array') return one ? ' item' : ' items';
  if (origin === 'string') return one ? ' character' : ' characters';
  return '';
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'too_small':
      return `expected ${issue.origin === 'array' ? 'at least' : issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}${unit(issue.origin, issue.minimum)}`;
    case 'too_big':
      return `expected ${issue.origin === 'array' ? 'at most' : issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}${unit(issue.origin, issue.maximum)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if ('discriminator' in issue && Array.isArray(options))
        return `expected one of ${options.map((v) => JSON.stringify(v)).join(', ')}`;
      return issue.message && issue.message !== 'Invalid input'
        ? issue.message
        : 'does not match any allowed form';
    }
    default:
      return issue.message;
  }
}

/** Turns a zod error into located issues: path, message with the expectation, offending value. */
export function issuesFromZod(
  error: z.ZodError,
  data: unknown,
  prefix: readonly PathSegment[] = [],
): InputIssue[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    const out: InputIssue = { path: formatPath(path), message: describe(issue) };
    if (issue.code !== 'unrecognized_keys') {
      const value = valueAt(data, issue.path);
      if (value !== undefined || issue.code === 'invalid_type') out.value = value;
    }
    return out;
  });
}

/** Parses `data` with `schema`; on failure throws an InputError naming `source`, each path, value and expectation. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  data: unknown,
  source: string,
  lineOf?: (path: readonly PropertyKey[]) => number | undefined,
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error, data);
  if (lineOf) {
    result.error.issues.forEach((issue, i) => {
      const line = lineOf(issue.path);
      if (line !== undefined) issues[i]!.line = line;
    });
  }
  throw new InputError(source, issues);
}
