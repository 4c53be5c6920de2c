import { describe, expect, it } from 'vitest';
import { median, quantile, quantileSorted } from './quantile.js';

describe('quantile', () => {
  it('is NaN on empty input', () => {
    expect(quantile([], 0.5)).toBeNaN();
  });
  it('interpolates between closest ranks (R-7)', () => {
    // (n-1)p = 3 × 0.9 = 2.7 → 3 + 0.7 × (10 - 3) = 7.9
    expect(quantileSorted([1, 2, 3, 10], 0.9)).toBeCloseTo(7.9, 12);
  });
  it('returns the only value for a single element', () => {
    expect(quantile([42], 0.99)).toBe(42);
  });
  it('sorts its input first', () => {
    expect(median([5, 1, 3])).toBe(3);
  });
});
