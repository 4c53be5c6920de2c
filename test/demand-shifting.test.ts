import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtest, holtWintersForecaster, seasonalNaiveForecaster } from '../src/demand/backtest.js';
import { demandReport } from '../src/demand/report.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { resultsJson } from '../src/sim/report/write.js';
import { buildResults, type SimResults } from '../src/sim/results.js';
import { routingRouterFactory } from '../src/sim/route-adapter.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';

/**
 * The growing region of scenarios/shifting-demand.yaml (São Paulo, +10% a day = +95% a week; every other
 * region flat) is found by the growth report on the demand series the simulator records, as
 * `meridian demand --results` shows them.
 */
describe('shifting-demand: demand observed in the simulation and its growth report', () => {
  let results: SimResults;
  let dir: string;
  beforeAll(() => {
    const scenario = loadScenarioFile(join(ROOT, 'scenarios', 'shifting-demand.yaml'));
    // The first three of the scenario's four days: two to learn the daily season, the third held out.
    const input = simInputFromScenario(scenario, { policies: ['meridian'], durationS: 3 * 86_400 });
    results = buildResults(runSimulation(input, routingRouterFactory, {}, ['meridian']));
    dir = mkdtempSync(join(tmpdir(), 'meridian-demand-'));
    writeFileSync(join(dir, 'results.json'), resultsJson(results));
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records 3 days in 288 buckets of 900 s per (region, model), 16 series summing to every arrival', () => {
    const m = results.policies.meridian!;
    expect(m.demand.bucketMs).toBe(900_000);
    expect(m.demand.series).toHaveLength(16);
    expect(m.demand.series.every((s) => s.requests.length === 288)).toBe(true);
    const total = m.demand.series.reduce((t, s) => t + s.requests.reduce((a, b) => a + b, 0), 0);
    expect(total).toBe(m.requests);
    const unmet = m.demand.series.reduce((t, s) => t + s.unmet.reduce((a, b) => a + b, 0), 0);
    expect(unmet).toBe(m.shed + m.failed + m.lost - m.unfinished);
  });

  it('ranks a south-america series first, growing +50% to +140% a week, faster than any series elsewhere', () => {
    const r = demandReport(results.policies.meridian!.demand);
    const first = r.ranked[0]!;
    console.log(
      `shifting-demand growth #1: ${first.model} in ${first.place} ${(first.growth.rate * 100).toFixed(0)}%/week`,
    );
    expect(first.place).toBe('south-america');
    expect(first.growth.per).toBe('week');
    expect(first.growth.rate).toBeGreaterThan(0.5);
    expect(first.growth.rate).toBeLessThan(1.4);
    const sa = r.series.find((s) => s.place === 'south-america' && s.model === 'llama-3.1-8b-instruct')!;
    const elsewhere = r.series.filter((s) => s.place !== 'south-america');
    expect(elsewhere.every((s) => (s.growth?.rate ?? 0) < sa.growth!.rate)).toBe(true);
  });

  it.each([4, 24])(
    'Holt-Winters beats the seasonal-naive forecast %s quarter-hours ahead on the held-out third day (WAPE over 16 series)',
    (h) => {
      let hwErr = 0;
      let naiveErr = 0;
      let actual = 0;
      for (const s of results.policies.meridian!.demand.series) {
        const hw = backtest(s.requests, holtWintersForecaster(96), 96, h, 4);
        const naive = backtest(s.requests, seasonalNaiveForecaster(96), 96, h, 4);
        hwErr += hw.mae * hw.origins;
        naiveErr += naive.mae * naive.origins;
        actual += hw.wape > 0 ? (hw.mae * hw.origins) / hw.wape : 0;
      }
      console.log(
        `shifting-demand day 3, ${h} × 15 min ahead: WAPE Holt-Winters ${(hwErr / actual).toFixed(3)}, seasonal naive ${(naiveErr / actual).toFixed(3)}`,
      );
      expect(hwErr).toBeLessThan(naiveErr);
    },
  );

  it('meridian demand --results prints the table and the growth report with south-america first; --json has 16 series', async () => {
    const text = await meridian('demand', '--results', join(dir, 'results.json'));
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('season 96 buckets');
    expect(text.stdout).toMatch(/ {2}1\. \S+ in south-america \+\d+% week over week \(80% interval/);
    const json = await meridian('demand', '--results', join(dir, 'results.json'), '--json', '--horizon', '4');
    const doc = JSON.parse(json.stdout) as {
      series: unknown[];
      horizon: number;
      ranked: Array<{ place: string }>;
    };
    expect(doc.series).toHaveLength(16);
    expect(doc.horizon).toBe(4);
    expect(doc.ranked[0]!.place).toBe('south-america');
  });

  it('refuses two sources, an unknown policy and a --bucket that is not a multiple of 900 s, with exit code 2', async () => {
    const file = join(dir, 'results.json');
    const two = await meridian('demand', '--results', file, '--trace', file);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('give exactly one of --receipts URL, --trace FILE, --results FILE');
    const policy = await meridian('demand', '--results', file, '--policy', 'nope');
    expect(policy.code).toBe(2);
    expect(policy.stderr).toContain('no policy nope (has meridian)');
    const bucket = await meridian('demand', '--results', file, '--bucket', '1000');
    expect(bucket.code).toBe(2);
    expect(bucket.stderr).toContain("--bucket 1000: not a whole multiple of the source's 900 s buckets");
    const hourly = await meridian('demand', '--results', file, '--bucket', '3600', '--json');
    expect((JSON.parse(hourly.stdout) as { season: number }).season).toBe(24);
  });
});
