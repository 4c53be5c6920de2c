import { describe, expect, it } from 'vitest';
import { daySeason, demandReport, growthLine, MAX_HORIZON, rebucket } from './report.js';
import type { DemandJson } from './series.js';

const HOUR = 3_600_000;

/** Hourly series over `days` days: a daily cycle around `base`, multiplied by (1 + perDay) per day. */
function hourly(days: number, base: number, perDay: number): number[] {
  return Array.from({ length: days * 24 }, (_, k) =>
    Math.round(base * (1 + 0.5 * Math.cos((2 * Math.PI * k) / 24)) * (1 + perDay) ** (k / 24)),
  );
}

function json(series: Array<[string, number[]]>): DemandJson {
  return {
    bucketMs: HOUR,
    originMs: 0,
    series: series.map(([place, requests]) => ({
      place,
      model: 'm',
      requests,
      tokens: requests.map((r) => r * 100),
      unmet: requests.map(() => 0),
    })),
  };
}

describe('demand report', () => {
  it('uses 24 hourly buckets as the season and 96 quarter-hours; 7-minute buckets have none', () => {
    expect(daySeason(HOUR)).toBe(24);
    expect(daySeason(900_000)).toBe(96);
    expect(daySeason(420_000)).toBe(1);
  });

  it('ranks a series growing 10% a day (+95% a week) above two flat ones, with its growth near +95%', () => {
    const r = demandReport(
      json([
        ['flat-a', hourly(5, 100, 0)],
        ['grows', hourly(5, 40, 0.1)],
        ['flat-b', hourly(5, 200, 0)],
      ]),
    );
    expect(r.season).toBe(24);
    expect(r.ranked[0]!.place).toBe('grows');
    expect(r.ranked[0]!.growth.rate).toBeGreaterThan(0.85);
    expect(r.ranked[0]!.growth.rate).toBeLessThan(1.05);
    expect(growthLine(r.ranked[0]!)).toMatch(/^m in grows \+9\d% week over week \(80% interval /);
  });

  it('forecasts the next day of a flat daily cycle within 10% of the cycle at its peak', () => {
    const r = demandReport(json([['flat', hourly(4, 100, 0)]]));
    const s = r.series[0]!;
    expect(s.forecast.mean).toHaveLength(24);
    // Hour 0 of the next day is the cycle's peak, 150.
    expect(s.forecast.mean[0]!).toBeGreaterThan(135);
    expect(s.forecast.mean[0]!).toBeLessThan(165);
    expect(s.forecast.lower[0]!).toBeLessThanOrEqual(s.forecast.mean[0]!);
    expect(s.requests).toBe(hourly(4, 100, 0).reduce((a, b) => a + b, 0));
  });

  it('rebuckets 5 hourly buckets by 2 into 3 two-hour buckets, keeping the partial last one', () => {
    const j = rebucket(json([['p', [1, 2, 3, 4, 5]]]), 2);
    expect(j.bucketMs).toBe(2 * HOUR);
    expect(j.series[0]!.requests).toEqual([3, 7, 5]);
    expect(() => rebucket(j, 1.5)).toThrow(RangeError);
  });

  it('forecasts one season ahead by default but at most 10,000 buckets: a day of 1 s buckets (86,400) gives 10,000', () => {
    expect(MAX_HORIZON).toBe(10_000);
    const long = Array.from({ length: 30_000 }, (_, k) => 1 + (k % 3));
    const secondly = { bucketMs: 1000, originMs: 0, series: json([['p', long]]).series };
    const r = demandReport(secondly);
    expect([r.season, r.horizon]).toEqual([86_400, 10_000]);
    expect(r.series[0]!.forecast.mean).toHaveLength(10_000);
    expect(demandReport(json([['p', hourly(3, 100, 0)]])).horizon).toBe(24);
  });

  it('forecasts no further than a third of the longest series by default: an hour of 10 s buckets (360) 120 ahead, not a day (8,640)', () => {
    const tenSeconds = (n: number) => ({
      bucketMs: 10_000,
      originMs: 0,
      series: json([
        ['short', Array.from({ length: n / 2 }, () => 5)],
        ['long', Array.from({ length: n }, () => 5)],
      ]).series,
    });
    const r = demandReport(tenSeconds(360));
    expect([r.season, r.horizon]).toEqual([8640, 120]);
    expect(r.series[0]!.forecast.mean).toHaveLength(120);
    expect(demandReport(tenSeconds(2)).horizon).toBe(1);
    expect(demandReport(tenSeconds(360), { horizon: 500 }).horizon).toBe(500);
  });

  it('states an hour of data per hour: 360 buckets of 10 s doubling over the hour read about +100% hour over hour', () => {
    const doubling = Array.from({ length: 360 }, (_, k) => Math.round(100 * 2 ** (k / 360)));
    const r = demandReport({ bucketMs: 10_000, originMs: 0, series: json([['p', doubling]]).series });
    const g = r.ranked[0]!.growth;
    expect(g.per).toBe('hour');
    expect(Math.abs(g.rate - 1)).toBeLessThan(0.03);
    expect(growthLine(r.ranked[0]!)).toMatch(/^m in p \+(99|100|101)% hour over hour \(80% interval /);
  });
});
