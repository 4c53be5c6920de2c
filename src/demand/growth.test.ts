import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { growth, normalCdf, rankGrowth } from './growth.js';

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
    expect(Math.abs(g.perWeek - (1.05 ** 7 - 1))).toBeLessThan(0.03);
    expect(g.low).toBeLessThan(g.perWeek);
    expect(g.high).toBeGreaterThan(g.perWeek);
    expect(g.confidence).toBeGreaterThan(0.99);
  });

  it('a flat series has an interval around 0 and no confident growth, over 10 seeds', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const g = growth(hourly(14, 200, 0, seed), HOUR, 24)!;
      expect(Math.abs(g.perWeek)).toBeLessThan(0.05);
      expect(g.confidence).toBeLessThan(0.99);
    }
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
