import { describe, expect, it } from 'vitest';
import { Sketch } from './sketch.js';

describe('Sketch', () => {
  it('is NaN everywhere when empty', () => {
    const s = new Sketch();
    expect(s.quantile(0.5)).toBeNaN();
    expect(s.mean()).toBeNaN();
    expect(s.fractionAtMost(10)).toBeNaN();
  });

  it('returns quantiles of 1..10,000 within 0.5% of the order statistic at rank ⌊q × (n − 1)⌋', () => {
    const s = new Sketch();
    for (let v = 1; v <= 10_000; v++) s.add(v);
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.95, 0.99]) {
      const exact = 1 + Math.floor(q * 9_999);
      expect(Math.abs(s.quantile(q) / exact - 1)).toBeLessThanOrEqual(0.005);
    }
    expect(s.quantile(0)).toBe(1);
    expect(s.quantile(1)).toBe(10_000);
    expect(s.mean()).toBe(5000.5);
  });

  it('counts zeros and ignores negative and NaN values', () => {
    const s = new Sketch();
    s.add(0);
    s.add(0);
    s.add(100);
    s.add(-1);
    s.add(Number.NaN);
    expect(s.count).toBe(3);
    expect(s.quantile(0.5)).toBe(0);
    expect(s.fractionAtMost(0)).toBeCloseTo(2 / 3, 12);
    expect(s.fractionAtMost(1000)).toBe(1);
  });
});
