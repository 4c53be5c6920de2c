import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { fitHoltWinters, forecastHoltWinters, normalQuantile } from './holt-winters.js';

describe('Holt-Winters (additive, damped trend)', () => {
  it('on empty input forecasts 0 with no spread', () => {
    const f = forecastHoltWinters(fitHoltWinters([], 24), 3);
    expect(Array.from(f.mean)).toEqual([0, 0, 0]);
    expect(Array.from(f.upper)).toEqual([0, 0, 0]);
  });

  it('forecasts a constant series of 10 as 10 with a zero-width interval', () => {
    const fit = fitHoltWinters(new Array(100).fill(10), 24);
    const f = forecastHoltWinters(fit, 5);
    for (const v of f.mean) expect(v).toBeCloseTo(10, 9);
    expect(fit.sigma).toBeCloseTo(0, 9);
    expect(f.upper[4]! - f.lower[4]!).toBeCloseTo(0, 9);
  });

  it('continues a straight line y = 5 + 2t: next value 105 within 0.5%, and damped 20 steps out (below 143, above 105)', () => {
    const y = Array.from({ length: 50 }, (_, t) => 5 + 2 * t);
    const fit = fitHoltWinters(y, 1);
    expect(fit.season).toBe(1);
    const f = forecastHoltWinters(fit, 20);
    expect(Math.abs(f.mean[0]! / 105 - 1)).toBeLessThan(0.005);
    expect(f.mean[19]).toBeLessThan(5 + 2 * 69);
    expect(f.mean[19]).toBeGreaterThan(105);
  });

  it('starts with no trend: after two buckets [30, 70] it forecasts 70, not 70 + 0.98 × 40 = 109.2', () => {
    const f = forecastHoltWinters(fitHoltWinters([30, 70], 1), 3);
    expect(Array.from(f.mean)).toEqual([70, 70, 70]);
  });

  it('repeats a clean daily cycle (24 buckets, amplitude 40 around 100) within 1%', () => {
    const cycle = (t: number) => 100 + 40 * Math.sin((2 * Math.PI * t) / 24);
    const y = Array.from({ length: 24 * 7 }, (_, t) => cycle(t));
    const f = forecastHoltWinters(fitHoltWinters(y, 24), 24);
    for (let j = 0; j < 24; j++) expect(Math.abs(f.mean[j]! / cycle(24 * 7 + j) - 1)).toBeLessThan(0.01);
  });

  it('falls back to no season with fewer than two seasons of data (30 buckets, season 24)', () => {
    expect(fitHoltWinters(new Array(30).fill(1), 24).season).toBe(1);
  });

  it('80% intervals cover between 70% and 90% of the next day over 20 seeds of a noisy growing cycle', () => {
    let covered = 0;
    let total = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Rng(seed);
      const truth = (t: number) => 200 + 0.3 * t + 60 * Math.sin((2 * Math.PI * t) / 24);
      const y = Array.from({ length: 24 * 10 + 24 }, (_, t) => truth(t) + rng.normal(0, 15));
      const f = forecastHoltWinters(fitHoltWinters(y.slice(0, 240), 24), 24, 0.8);
      for (let j = 0; j < 24; j++) {
        total++;
        if (y[240 + j]! >= f.lower[j]! && y[240 + j]! <= f.upper[j]!) covered++;
      }
    }
    expect(covered / total).toBeGreaterThan(0.7);
    expect(covered / total).toBeLessThan(0.9);
  });

  it.each([
    [0.8, 1.2816],
    [0.9, 1.6449],
    [0.95, 1.96],
    [0.99, 2.5758],
  ])('normal quantile for %s coverage is %s', (coverage, z) => {
    expect(normalQuantile(coverage)).toBeCloseTo(z, 3);
  });

  it('refuses a season of 0', () => {
    expect(() => fitHoltWinters([1, 2], 0)).toThrow(/season must be an integer ≥ 1 \(got 0\)/);
  });
});
