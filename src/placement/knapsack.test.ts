import { describe, expect, it } from 'vitest';
import { knapsack } from './knapsack.js';

describe('knapsack', () => {
  it('takes the two light items worth 9 over the heavy one worth 8 in capacity 10', () => {
    expect(knapsack([5, 4, 8], [5, 5, 10], 10)).toEqual({ value: 9, items: [0, 1] });
  });
  it('takes everything when it all fits', () => {
    expect(knapsack([1, 2, 3], [1, 1, 1], 3)).toEqual({ value: 6, items: [0, 1, 2] });
  });
  it('never takes items with no value or that do not fit on their own', () => {
    expect(knapsack([0, -1, 7, 3], [1, 1, 11, 2], 10)).toEqual({ value: 3, items: [3] });
  });
  it('is empty for empty input and for zero capacity', () => {
    expect(knapsack([], [], 10)).toEqual({ value: 0, items: [] });
    expect(knapsack([3], [1], 0)).toEqual({ value: 0, items: [] });
  });
  it('matches brute force on 200 seeded random cases', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let t = 0; t < 200; t++) {
      const n = 1 + Math.floor(rand() * 8);
      const values = Array.from({ length: n }, () => Math.round(rand() * 100) / 10);
      const weights = Array.from({ length: n }, () => 1 + Math.floor(rand() * 20));
      const cap = Math.floor(rand() * 40);
      let best = 0;
      for (let mask = 0; mask < 1 << n; mask++) {
        let w = 0;
        let v = 0;
        for (let i = 0; i < n; i++) {
          if (mask & (1 << i)) {
            w += weights[i]!;
            v += values[i]!;
          }
        }
        if (w <= cap && v > best) best = v;
      }
      const r = knapsack(values, weights, cap);
      expect(r.value).toBeCloseTo(best, 9);
      expect(r.items.reduce((s, i) => s + weights[i]!, 0)).toBeLessThanOrEqual(cap);
      expect(r.items.reduce((s, i) => s + values[i]!, 0)).toBeCloseTo(r.value, 9);
    }
  });
});
