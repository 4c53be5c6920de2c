import { describe, expect, it } from 'vitest';
import { demandReport } from '../demand/report.js';
import type { DemandJson } from '../demand/series.js';
import { uiDemand } from './demand.js';

const series = (place: string, model: string, requests: number[]) => ({
  place,
  model,
  requests,
  tokens: requests.map((r) => r * 10),
  unmet: requests.map(() => 0),
});

const JSON_: DemandJson = {
  bucketMs: 60_000,
  originMs: 1_000_000,
  series: [
    series('europe', 'm1', [1, 2, 3, 4, 5, 6]),
    series('asia', 'm1', [10, 10, 10, 10, 10, 10]),
    series('europe', 'm2', [0, 0, 0, 0, 0, 1]),
  ],
};

describe('the demand panel', () => {
  it('busiest first (asia 60, europe/m1 21, europe/m2 1), the last 4 buckets from 1,000,000 + 2 × 60,000 ms', () => {
    const d = uiDemand(JSON_, { points: 4, horizon: 2, limit: 12 });
    expect(d.series.map((s) => [s.place, s.model, s.requests])).toEqual([
      ['asia', 'm1', 60],
      ['europe', 'm1', 21],
      ['europe', 'm2', 1],
    ]);
    expect(d.series[1]!.recent).toEqual([3, 4, 5, 6]);
    expect(d.series[1]!.startMs).toBe(1_120_000);
  });

  it('the forecast and growth are those of `meridian demand` (demandReport) for the same series', () => {
    const d = uiDemand(JSON_, { points: 4, horizon: 2, limit: 12 });
    const report = demandReport(JSON_, { horizon: 2 });
    const europe = report.series.find((s) => s.place === 'europe' && s.model === 'm1')!;
    expect(d.series[1]!.forecast).toEqual(europe.forecast);
    expect(d.series[1]!.forecast.mean).toHaveLength(2);
    expect(d.series[1]!.growth).toEqual(europe.growth);
    expect(d.ranked).toEqual(report.ranked);
  });

  it('keeps the `limit` busiest series; a series shorter than `points` is shown whole', () => {
    const d = uiDemand(JSON_, { points: 60, horizon: 1, limit: 1 });
    expect(d.series).toHaveLength(1);
    expect(d.series[0]!.recent).toEqual([10, 10, 10, 10, 10, 10]);
    expect(d.series[0]!.startMs).toBe(1_000_000);
  });

  it('no series: an empty panel', () => {
    expect(
      uiDemand({ bucketMs: 60_000, originMs: 0, series: [] }, { points: 4, horizon: 2, limit: 12 }),
    ).toMatchObject({
      series: [],
      ranked: [],
    });
  });
});
