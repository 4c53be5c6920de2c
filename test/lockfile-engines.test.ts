import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/shared-data.js';

/**
 * `npm install` on the Node version the README names (20.19, package.json `engines`) must not warn
 * EBADENGINE: every package the lockfile installs has to accept that version. A small reader of the
 * range forms npm packages use (`>=`, `>`, `<`, `<=`, `^`, `~`, `x`/`*` wildcards, `||`).
 */

type Version = [number, number, number];

interface LooseVersion {
  parts: number[];
}

function parsePartial(text: string): LooseVersion {
  const parts: number[] = [];
  for (const p of text.split('.')) {
    if (p === 'x' || p === 'X' || p === '*' || p === '') break;
    parts.push(Number(p));
  }
  return { parts };
}

const full = (p: LooseVersion): Version => [p.parts[0] ?? 0, p.parts[1] ?? 0, p.parts[2] ?? 0];

function cmp(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The first version above every version the partial `p` matches (`20.x` → 21.0.0). */
function nextAfter(p: LooseVersion, keep: number): Version {
  const v = full(p);
  const n = Math.min(keep, p.parts.length);
  if (n === 0) return [Number.POSITIVE_INFINITY, 0, 0];
  const out: Version = [v[0], v[1], v[2]];
  out[n - 1]! += 1;
  for (let i = n; i < 3; i++) out[i] = 0;
  return out;
}

function comparatorAdmits(op: string, text: string, v: Version): boolean {
  const p = parsePartial(text);
  const lo = full(p);
  switch (op) {
    case '>=':
      return cmp(v, lo) >= 0;
    case '>':
      return cmp(v, nextAfter(p, p.parts.length)) >= 0;
    case '<':
      return cmp(v, lo) < 0;
    case '<=':
      return cmp(v, nextAfter(p, p.parts.length)) < 0;
    case '^': {
      const keep = p.parts[0] === 0 && p.parts.length > 1 ? 2 : 1;
      return cmp(v, lo) >= 0 && cmp(v, nextAfter(p, keep)) < 0;
    }
    case '~':
      return cmp(v, lo) >= 0 && cmp(v, nextAfter(p, Math.max(1, Math.min(2, p.parts.length)))) < 0;
    default:
      return cmp(v, lo) >= 0 && cmp(v, nextAfter(p, p.parts.length)) < 0;
  }
}

function rangeAdmits(range: string, v: Version): boolean {
  return range.split('||').some((alt) => {
    const comparators = [...alt.matchAll(/(>=|<=|>|<|\^|~|=)?\s*([0-9xX*]+(?:\.[0-9xX*]+){0,2})/g)];
    if (comparators.length === 0) return alt.trim() === '' || alt.trim() === '*';
    return comparators.every(([, op, text]) => comparatorAdmits(op ?? '', text!, v));
  });
}

interface Lock {
  packages: Record<
    string,
    { version?: string; engines?: { node?: string }; optionalDependencies?: Record<string, string> }
  >;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock;

describe('npm install on the Node version the README names', () => {
  it('the range reader: >=22 refuses 20.19.0; ^20.19.0 || >=22.12.0 and 10.* || >= 12.* accept it', () => {
    const v: Version = [20, 19, 0];
    expect(rangeAdmits('>=22', v)).toBe(false);
    expect(rangeAdmits('^20.19.0 || >=22.12.0', v)).toBe(true);
    expect(rangeAdmits('10.* || >= 12.*', v)).toBe(true);
    expect(rangeAdmits('20.x || 22.x', v)).toBe(true);
    expect(rangeAdmits('^18', v)).toBe(false);
    expect(rangeAdmits('>=20.20', v)).toBe(false);
    expect(rangeAdmits('*', v)).toBe(true);
  });

  it('package.json engines starts at 20.19, and every locked package accepts Node 20.19.0 (no EBADENGINE)', () => {
    expect(pkg.engines.node).toBe('>=20.19');
    const minimum = full(parsePartial(pkg.engines.node.replace(/^>=\s*/, '')));
    const refusing = Object.entries(lock.packages)
      .filter(([name, p]) => name !== '' && p.engines?.node !== undefined)
      .filter(([, p]) => !rangeAdmits(p.engines!.node!, minimum))
      .map(([name, p]) => `${name}@${p.version} requires node ${p.engines!.node}`);
    expect(refusing).toEqual([]);
  });

  it('the lockfile records every optional dependency of every locked package (all platforms), so a fresh npm install leaves it unchanged', () => {
    const missing: string[] = [];
    for (const [path, p] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(p.optionalDependencies ?? {})) {
        // npm resolves a dependency in the package's own node_modules, else in the folders above it.
        const here = path === '' ? [] : [`${path}/node_modules/${dep}`];
        if (![...here, `node_modules/${dep}`].some((at) => lock.packages[at] !== undefined)) {
          missing.push(`${dep} (optional dependency of ${path || 'the project'})`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
