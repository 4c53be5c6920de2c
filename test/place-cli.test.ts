import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliOutcome, meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';

const SMALL = join(ROOT, 'scenarios', 'small.yaml');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const DIR = mkdtempSync(join(tmpdir(), 'meridian-place-'));

function file(name: string, text: string): string {
  const path = join(DIR, name);
  writeFileSync(path, text);
  return path;
}

/** `meridian place …` in-process. */
function run(...args: string[]): Promise<CliOutcome> {
  return meridian('place', ...args);
}

interface PlaceJson {
  solver: { name: string; status: string; objective: number; bound: number | null; gap: number | null };
  recommendations: {
    kind: string;
    models: string[];
    costUsdMonth: number;
    latency: { region: string }[];
    concentration: { dimension: string }[];
  }[];
  total: { costUsdMonth: number; coverage: { before: number; after: number } };
}

describe('meridian place on the small scenario', () => {
  it('recommends at most K new nodes with latency and concentration deltas, and sums their cost', async () => {
    const r = await run('--scenario', SMALL, '--add', '2', '--solver', 'greedy', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as PlaceJson;
    expect(j.solver.name).toBe('greedy');
    const fresh = j.recommendations.filter((x) => x.kind === 'new-node');
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.length).toBeLessThanOrEqual(2);
    for (const rec of fresh) {
      expect(rec.models.length).toBeGreaterThan(0);
      expect(rec.latency.map((l) => l.region)).toEqual(['europe', 'north-america']);
      expect(rec.concentration.map((c) => c.dimension)).toContain('asn');
    }
    expect(j.total.costUsdMonth).toBe(j.recommendations.reduce((s, x) => s + x.costUsdMonth, 0));
    expect(j.total.coverage.after).toBeGreaterThan(j.total.coverage.before);
    expect(j.solver.bound! + 1e-9).toBeGreaterThanOrEqual(j.solver.objective);
  });

  it('the exact solver reports its bound and gap and is at least as good as greedy', async () => {
    const g = JSON.parse(
      (await run('--scenario', SMALL, '--add', '2', '--solver', 'greedy', '--json')).stdout,
    );
    const r = await run(
      '--scenario',
      SMALL,
      '--add',
      '2',
      '--solver',
      'exact',
      '--time-limit',
      '20',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as PlaceJson;
    expect(j.solver.name).toBe('exact');
    expect(j.solver.gap).not.toBeNull();
    expect(j.solver.gap!).toBeGreaterThanOrEqual(0);
    expect(j.solver.objective).toBeGreaterThanOrEqual((g as PlaceJson).solver.objective - 1e-9);
  });

  it('prints a text report with the recommendations and the plan total', async () => {
    const r = await run('--scenario', SMALL, '--add', '1', '--solver', 'greedy', '--warm-existing', '0');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Recommendations');
    expect(r.stdout).toContain('new node');
    expect(r.stdout).toContain('Plan total');
    expect(r.stdout).toMatch(/coverage \(warm replica within 40 ms\): [\d.]+% → [\d.]+%/);
  });
});

describe('meridian place: bad input exits 2 with file, path and value', () => {
  it('a candidate in an unknown metro (YAML: names the line)', async () => {
    const f = file(
      'bad-metro.yaml',
      'candidates:\n  - { metro: frnkfurt, provider: ovh, accelerator: h100 }\n',
    );
    const r = await run('--scenario', SMALL, '--add', '1', '--candidates', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${f}:2: candidates[0].metro: unknown metro (see src/geo/metros.ts) (got "frnkfurt")`,
    );
  });

  it('an unknown accelerator class and an unknown field', async () => {
    const f = file(
      'bad-fields.json',
      '[{"metro":"frankfurt","provider":"ovh","accelerator":"h101","colour":"red"}]',
    );
    const r = await run('--scenario', SMALL, '--add', '1', '--candidates', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('candidates[0].accelerator: expected one of');
    expect(r.stderr).toContain('(got "h101")');
    expect(r.stderr).toContain('unknown field "colour"');
  });

  it('a provider with no catalog price and no cost', async () => {
    const f = file('no-cost.yaml', '- { metro: frankfurt, provider: hetzner, accelerator: h100 }\n');
    const r = await run('--scenario', SMALL, '--add', '1', '--candidates', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('candidates[0].costUsdMonth: required: the catalog lists no price');
  });

  it('an empty candidates file', async () => {
    const r = await run('--scenario', SMALL, '--add', '1', '--candidates', file('empty.yaml', ''));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('empty.yaml: empty file');
  });

  it('a missing --add, a bad --cap and a bad --solver are usage errors', async () => {
    expect((await run('--scenario', SMALL)).code).toBe(2);
    const cap = await run('--scenario', SMALL, '--add', '1', '--cap', 'provider=1.5');
    expect(cap.code).toBe(2);
    expect(cap.stderr).toContain('--cap must be dim=share with 0 < share ≤ 1');
    const solver = await run('--scenario', SMALL, '--add', '1', '--solver', 'fast');
    expect(solver.stderr).toContain('--solver must be exact, greedy or auto (got "fast")');
  });

  it('through the built binary: exit status 2 and the message on stderr, no stack trace', () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" before this test`);
    const f = file('bad-count.yaml', '- { metro: frankfurt, provider: ovh, accelerator: h100, count: 0 }\n');
    const r = spawnSync(
      process.execPath,
      [CLI, 'place', '--scenario', SMALL, '--add', '1', '--candidates', f],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${f}:1: candidates[0].count: expected ≥ 1 (got 0)`);
    expect(r.stderr).not.toContain('    at ');
  });
});
