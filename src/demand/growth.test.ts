import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { growth, growthUnit, normalCdf, rankGrowth } from './growth.js';

const HOUR = 3_600_000;

/** Hourly counts over `days` days: a daily cycle around `base` that grows by `daily` per day, Poisson-like noise. */
function hourly(days: number, base: number, daily: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: days * 24 }, (_, t) => {
    const mean = base * (1 + daily) ** (t / 24) * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 24));
    return Math.max(0, Math.round(mean + rng.normal(0, Math.sqrt(mean))));
  });
}

describe('growth', () => {
  it('a series growing 5% a day grows (1.05^7 − 1) = 40.7% a week: estimated within 3 points, confidence > 0.99', () => {
    const g = growth(hourly(14, 200, 0.05, 1), HOUR, 24)!;
    expect(g.points).toBe(14);
    expect(Math.abs(g.rate - (1.05 ** 7 - 1))).toBeLessThan(0.03);
    expect(g.low).toBeLessThan(g.rate);
    expect(g.high).toBeGreaterThan(g.rate);
    expect(g.confidence).toBeGreaterThan(0.99);
  });

  it('a flat series has an interval around 0 and no confident growth, over 10 seeds', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const g = growth(hourly(14, 200, 0, seed), HOUR, 24)!;
      expect(Math.abs(g.rate)).toBeLessThan(0.05);
      expect(g.confidence).toBeLessThan(0.99);
    }
  });

  it('states a rate per the longest of week, day, hour and minute at most 3× the span fitted', () => {
    const table: Array<[number, string]> = [
      [14 * 24 * HOUR, 'week'],
      [3 * 24 * HOUR, 'week'], // 9 days ≥ a week
      [2 * 24 * HOUR, 'day'], // 6 days < a week
      [8 * HOUR, 'day'],
      [7 * HOUR, 'hour'],
      [20 * 60_000, 'hour'],
      [19 * 60_000, 'minute'],
      [10_000, 'minute'], // shorter than any unit: a minute
    ];
    for (const [span, unit] of table) expect([span, growthUnit(span)]).toEqual([span, unit]);
    expect(growth(hourly(14, 200, 0.05, 1), HOUR, 24)!.per).toBe('week');
  });

  it('does not extrapolate a flat noisy hour (360 buckets of 10 s) to a week: per hour, within ±20%, over 10 seeds', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const rng = new Rng(seed);
      const y = Array.from({ length: 360 }, () => Math.max(0, Math.round(rng.normal(50, 7))));
      const g = growth(y, 10_000, 1)!;
      expect(g.per).toBe('hour');
      expect(Math.abs(g.rate)).toBeLessThan(0.2);
      expect(g.low).toBeGreaterThan(-0.5);
      expect(g.high).toBeLessThan(1);
    }
  });

  it('ranks +10% an hour above +50% a week (ln 1.1 per hour = 0.095 against ln 1.5 / 168 = 0.0024)', () => {
    const g = (rate: number, per: 'hour' | 'week') => ({
      rate,
      low: rate,
      high: rate,
      per,
      confidence: 1,
      points: 10,
    });
    const ranked = rankGrowth([
      { key: 'weekly', growth: g(0.5, 'week') },
      { key: 'hourly', growth: g(0.1, 'hour') },
      { key: 'shrinking', growth: g(-0.01, 'hour') },
    ]);
    expect(ranked.map((r) => r.key)).toEqual(['hourly', 'weekly', 'shrinking']);
  });

  it('is undefined with fewer than three points', () => {
    expect(growth([1, 2], HOUR, 1)).toBeUndefined();
  });

  it('ranks the surely growing series first, then the flat one, then the shrinking one', () => {
    const ranked = rankGrowth([
      { key: 'flat', growth: growth(hourly(14, 200, 0, 2), HOUR, 24) },
      { key: 'up', growth: growth(hourly(14, 200, 0.04, 3), HOUR, 24) },
      { key: 'down', growth: growth(hourly(14, 200, -0.04, 4), HOUR, 24) },
      { key: 'empty', growth: growth([], HOUR, 24) },
    ]);
    expect(ranked.map((r) => r.key)).toEqual(['up', 'flat', 'down']);
  });

  it.each([
    [0, 0.5],
    [1, 0.841345],
    [-1.959964, 0.025],
    [3, 0.99865],
  ])('Φ(%s) = %s', (x, p) => {
    expect(normalCdf(x)).toBeCloseTo(p, 5);
  });
});
