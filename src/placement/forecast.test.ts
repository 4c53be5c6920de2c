import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DemandJson } from '../demand/series.js';
import { loadScenarioFile } from '../scenario/load.js';
import { advise } from './advisor.js';
import { forecastDemand } from './forecast.js';
import { metroRtt, placementInputFromScenario } from './problem.js';

const HOUR_MS = 3_600_000;
const days = (n: number, perHour: (h: number) => number) =>
  Array.from({ length: 24 * n }, (_, h) => perHour(h));
const series = (place: string, model: string, requests: number[]) => ({
  place,
  model,
  requests,
  tokens: requests.map((r) => r * 100),
  unmet: requests.map(() => 0),
});
/** Hourly series from hour 0. */
const hourly = (...s: ReturnType<typeof series>[]): DemandJson => ({
  bucketMs: HOUR_MS,
  originMs: 0,
  series: s,
});

describe('forecastDemand', () => {
  it('forecasts flat series as themselves: 10 req/h in A (m1) and 30 req/h in B (m2) → 240 and 720 over the next 24 h, peak 40 req/h', () => {
    const f = forecastDemand(
      hourly(
        series(
          'A',
          'm1',
          days(3, () => 10),
        ),
        series(
          'B',
          'm2',
          days(3, () => 30),
        ),
      ),
    );
    expect(f.horizon).toBe(24);
    expect(f.places.get('A')).toBeCloseTo(240, 6);
    expect(f.places.get('B')).toBeCloseTo(720, 6);
    expect(f.models.get('m1')).toBeCloseTo(240, 6);
    expect(f.peakRps).toBeCloseTo(40 / 3600, 9);
  });

  it('weighs a growing place by where it is going: A from 5 to 40 req/h over a week outweighs B flat at 25 req/h, though their histories are about equal', () => {
    const f = forecastDemand(
      hourly(
        series(
          'A',
          'm',
          days(7, (h) => 5 + (35 * h) / 167),
        ),
        series(
          'B',
          'm',
          days(7, () => 25),
        ),
      ),
    );
    expect(f.places.get('A')!).toBeGreaterThan(1.3 * f.places.get('B')!);
  });

  it('is empty for no series', () => {
    const f = forecastDemand(hourly());
    expect(f).toEqual({ places: new Map(), models: new Map(), peakRps: 0, horizon: 24 });
  });
});

describe('placement for forecast demand', () => {
  const scenario = loadScenarioFile(join(import.meta.dirname, '..', '..', 'scenarios', 'small.yaml'));
  const model = scenario.models[0]!.id;
  const forecast = forecastDemand(
    hourly(
      series(
        'tokyo',
        model,
        days(3, () => 3600),
      ),
    ),
  );

  it('replaces declared metros, model mix and peak: all demand in Tokyo, only its model popular, peak 1 rps', () => {
    const input = placementInputFromScenario(scenario, { forecast });
    expect(input.demand.map((d) => d.metro)).toEqual(['tokyo']);
    expect(input.models.filter((m) => m.popularity > 0).map((m) => m.id)).toEqual([model]);
    expect(input.peakRps).toBeCloseTo(1, 6);
  });

  it('recommends a node within 40 ms of Tokyo keeping that model warm, where the declared demand (Europe and North America) recommends none', async () => {
    const rtt = metroRtt();
    const near = (metro: string) => rtt(metro, 'tokyo') <= 40;
    const { instance, solution } = await advise(scenario, {
      forecast,
      options: { add: 1 },
      solver: 'greedy',
    });
    const picks = solution.plan.picks.filter((p) => instance.sites[p.site]!.isNew);
    expect(picks).toHaveLength(1);
    expect(near(instance.sites[picks[0]!.site]!.input.metro)).toBe(true);
    expect(picks[0]!.models.map((m) => instance.models[m]!.id)).toContain(model);
    const declared = await advise(scenario, { options: { add: 1 }, solver: 'greedy' });
    const sites = declared.solution.plan.picks.map((p) => declared.instance.sites[p.site]!.input.metro);
    expect(sites.some(near)).toBe(false);
  });
});
