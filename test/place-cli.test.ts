import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { advise } from '../src/placement/advisor.js';
import { existingNodes, metroRtt } from '../src/placement/problem.js';
import type { SolveProgress } from '../src/placement/solver.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { percent } from '../src/util/text-table.js';
import { type CliOutcome, meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';
import { tempDir } from './support/temp-dir.js';

const SMALL = join(ROOT, 'scenarios', 'small.yaml');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const TMP = tempDir('place');
const DIR = TMP.dir;
afterAll(() => TMP.remove());

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
    rank: number;
    kind: string;
    node: string;
    models: string[];
    costUsdMonth: number | null;
    latency: { region: string }[];
    concentration: { dimension: string; value: string | null; newValue: boolean }[];
  }[];
  total: {
    costUsdMonth: number | null;
    unpricedNodes: number;
    newNodes: number;
    warmChanges: number;
    coverage: { before: number; after: number };
  };
}

function operatorOf(rec: PlaceJson['recommendations'][number]) {
  return rec.concentration.find((c) => c.dimension === 'operator');
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
    expect(j.total.costUsdMonth).toBe(j.recommendations.reduce((s, x) => s + (x.costUsdMonth ?? 0), 0));
    expect(j.total.coverage.after).toBeGreaterThan(j.total.coverage.before);
    expect(j.solver.bound! + 1e-9).toBeGreaterThanOrEqual(j.solver.objective);
  });

  it('--add 3: every warm model on every recommended node is nearer to some demand metro (within 40 ms) than every existing warm replica of it', async () => {
    const scenario = loadScenarioFile(SMALL);
    const { instance: inst, solution } = await advise(scenario, { options: { add: 3 } });
    const rtt = metroRtt();
    const existing = existingNodes(scenario.nodes);
    const warmAt = (id: string) => existing.filter((n) => n.warm.includes(id));
    expect(solution.plan.picks.length).toBeGreaterThan(0);
    for (const pick of solution.plan.picks) {
      const metro = inst.sites[pick.site]!.input.metro;
      for (const m of pick.models) {
        const id = inst.models[m]!.id;
        const nearest = (d: string) => Math.min(...warmAt(id).map((n) => rtt(d, n.metro)));
        const served = scenario.demand.metros.filter(
          (d) => rtt(d.id, metro) <= 40 && rtt(d.id, metro) < nearest(d.id),
        );
        expect(served.length, `${inst.sites[pick.site]!.input.id} ${id}`).toBeGreaterThan(0);
      }
    }
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
    expect(r.stdout).toContain('New nodes: 1 of 1 requested');
    expect(r.stdout).toContain('new node');
    expect(r.stdout).toContain('Plan total');
    expect(r.stdout).toMatch(/coverage \(warm replica within 40 ms\): [\d.]+% → [\d.]+%/);
  });
});

describe('meridian place: K new nodes apart from warm-set changes, operators, prices, progress', () => {
  it('--add 2 lists the 2 new nodes first (ranks 1-2) and counts the warm-set changes on existing nodes separately', async () => {
    const r = await run('--scenario', SMALL, '--add', '2', '--solver', 'greedy', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as PlaceJson;
    const kinds = j.recommendations.map((x) => x.kind);
    expect(kinds.slice(0, 2)).toEqual(['new-node', 'new-node']);
    expect(kinds.slice(2).every((k) => k === 'warm-existing')).toBe(true);
    expect(j.total.newNodes).toBe(2);
    expect(j.total.warmChanges).toBe(j.recommendations.length - 2);
    expect(j.total.warmChanges).toBeGreaterThan(0);
    const text = await run('--scenario', SMALL, '--add', '2', '--solver', 'greedy');
    expect(text.stdout).toContain('New nodes: 2 of 2 requested');
    expect(text.stdout).toContain(
      `Warm-set changes on existing nodes: ${j.total.warmChanges} (not counted in the new nodes`,
    );
    expect(text.stdout.indexOf('New nodes:')).toBeLessThan(text.stdout.indexOf('Warm-set changes'));
  });

  it('each row shows what it adds to coverage by two providers beside coverage, so a node that only adds a second provider shows why', async () => {
    const r = await run('--scenario', SMALL, '--add', '2', '--solver', 'greedy', '--json');
    const j = JSON.parse(r.stdout) as PlaceJson & {
      recommendations: { coverage2: { before: number; after: number } }[];
    };
    const text = (await run('--scenario', SMALL, '--add', '2', '--solver', 'greedy')).stdout.split('\n');
    expect(text.filter((l) => l.trimEnd().endsWith('by two providers'))).toHaveLength(2);
    for (const rec of j.recommendations) {
      const row = text.find((l) => new RegExp(`^ *${rec.rank} +${rec.node} `).test(l))!;
      expect(row.trimEnd().endsWith(`${percent(rec.coverage2.before)}→${percent(rec.coverage2.after)}`)).toBe(
        true,
      );
    }
  });

  it('2 new nodes are 2 distinct new operators; --operator acme puts both under one operator', async () => {
    const args = ['--scenario', SMALL, '--add', '2', '--solver', 'greedy', '--warm-existing', '0', '--json'];
    const distinct = JSON.parse((await run(...args)).stdout) as PlaceJson;
    expect(distinct.recommendations.map((x) => operatorOf(x)?.value)).toEqual(['proposed-1', 'proposed-2']);
    expect(distinct.recommendations.map((x) => operatorOf(x)?.newValue)).toEqual([true, true]);
    const same = JSON.parse((await run(...args, '--operator', 'acme')).stdout) as PlaceJson;
    expect(same.recommendations.map((x) => operatorOf(x)?.value)).toEqual(['acme', 'acme']);
    expect(same.recommendations.map((x) => operatorOf(x)?.newValue)).toEqual([true, false]);
  });

  it('a candidate without any price shows "unknown" (text) and null (JSON), and is refused with --budget', async () => {
    const f = file('unpriced.yaml', '- { metro: frankfurt, provider: hetzner, accelerator: h100 }\n');
    const base = ['--scenario', SMALL, '--add', '1', '--solver', 'greedy', '--warm-existing', '0'];
    const j = JSON.parse((await run(...base, '--candidates', f, '--json')).stdout) as PlaceJson;
    expect(j.recommendations).toHaveLength(1);
    expect(j.recommendations[0]!.costUsdMonth).toBeNull();
    expect(j.total.costUsdMonth).toBeNull();
    expect(j.total.unpricedNodes).toBe(1);
    const text = await run(...base, '--candidates', f);
    expect(text.stdout).toMatch(/proposed-1 .* unknown /);
    expect(text.stdout).toContain('cost: unknown (1 new node(s) of unknown price)');
    expect(text.stdout).not.toContain(' 0 USD');
    const budget = await run(...base, '--candidates', f, '--budget', '50000');
    expect(budget.code).toBe(2);
    expect(budget.stderr).toContain('candidates[0].costUsdMonth: required with --budget');
  });

  it('the exact solver prints a progress line on stderr, never in the --json stdout', async () => {
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
    expect(r.stderr).toMatch(/^place: exact solver \(HiGHS\) working, \d+\.\d s/);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stdout).not.toContain('working');
  });

  it('progress reports of the exact solve carry elapsed seconds, then the incumbent, bound ≥ incumbent and gap in [0, 1]', async () => {
    const seen: SolveProgress[] = [];
    await advise(loadScenarioFile(SMALL), {
      options: { add: 2 },
      solver: 'exact',
      solve: { timeLimitS: 20, relativeGap: 0, progressEveryS: 0, progress: (p) => seen.push({ ...p }) },
    });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]!.bound).toBeUndefined();
    const withBound = seen.filter((p) => p.bound !== undefined && p.objective !== undefined);
    expect(withBound.length).toBeGreaterThan(0);
    for (const p of withBound) {
      expect(p.bound! + 1e-9).toBeGreaterThanOrEqual(p.objective!);
      expect(p.gap!).toBeGreaterThanOrEqual(0);
      expect(p.gap!).toBeLessThanOrEqual(1);
    }
    const secs = seen.map((p) => p.seconds);
    expect([...secs].sort((a, b) => a - b)).toEqual(secs);
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

  it('a provider with no catalog price and no cost, with a --budget', async () => {
    const f = file('no-cost.yaml', '- { metro: frankfurt, provider: hetzner, accelerator: h100 }\n');
    const r = await run('--scenario', SMALL, '--add', '1', '--budget', '1000', '--candidates', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'candidates[0].costUsdMonth: required with --budget: the catalog lists no price for frankfurt/hetzner/h100',
    );
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
