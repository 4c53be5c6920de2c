import { describe, expect, it } from 'vitest';
import { weightedQuantile } from './weighted-quantile.js';

describe('weightedQuantile', () => {
  it('takes the value where the cumulative weight first reaches p × total', () => {
    // weights 1,1,2 over 10,20,30: total 4; p50 → 2 reached at 20; p95 → 3.8 reached at 30.
    expect(weightedQuantile([30, 10, 20], [2, 1, 1], 0.5)).toBe(20);
    expect(weightedQuantile([30, 10, 20], [2, 1, 1], 0.95)).toBe(30);
    expect(weightedQuantile([30, 10, 20], [2, 1, 1], 0)).toBe(10);
  });
  it('keeps Infinity for unserved demand', () => {
    expect(weightedQuantile([5, Number.POSITIVE_INFINITY], [1, 3], 0.5)).toBe(Number.POSITIVE_INFINITY);
  });
  it('is NaN for empty input or zero weights', () => {
    expect(weightedQuantile([], [], 0.5)).toBeNaN();
    expect(weightedQuantile([1, 2], [0, 0], 0.5)).toBeNaN();
  });
});
