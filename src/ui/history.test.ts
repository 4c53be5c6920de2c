import { describe, expect, it } from 'vitest';
import { bucketQuantile, errorPoint, Series, trustPoint } from './history.js';

const BOUNDS = [0.1, 0.2, 0.5, 1];
const snap = (counts: number[], above: number, sum: number) => ({
  counts,
  above,
  sum,
  count: counts.reduce((s, x) => s + x, 0) + above,
});

describe('the prediction error series from histogram buckets', () => {
  it('has no quantile without observations', () => {
    expect(bucketQuantile([0, 0, 0, 0], 0, BOUNDS, 0.5)).toBeNull();
  });

  it('interpolates inside the bucket: 10 in (0.1, 0.2], the median is 0.1 + 0.1 × 5/10 = 0.15', () => {
    expect(bucketQuantile([0, 10, 0, 0], 0, BOUNDS, 0.5)).toBeCloseTo(0.15, 12);
  });

  it('4 in [0, 0.1] and 6 in (0.5, 1]: median 0.5 + 0.5 × 1/6, p90 0.5 + 0.5 × 5/6', () => {
    expect(bucketQuantile([4, 0, 0, 6], 0, BOUNDS, 0.5)).toBeCloseTo(0.5 + 0.5 / 6, 12);
    expect(bucketQuantile([4, 0, 0, 6], 0, BOUNDS, 0.9)).toBeCloseTo(0.5 + (0.5 * 5) / 6, 12);
  });

  it('a quantile among the observations beyond the last bound is the last bound (1)', () => {
    expect(bucketQuantile([1, 0, 0, 0], 9, BOUNDS, 0.9)).toBe(1);
  });

  it('a period is the difference of two snapshots: 4 requests, sum 1.2 → mean 0.3', () => {
    const before = snap([2, 1, 0, 0], 0, 0.3);
    const after = snap([2, 3, 2, 0], 0, 1.5);
    const p = errorPoint(before, after, BOUNDS, 1000);
    expect(p.at).toBe(1000);
    expect(p.requests).toBe(4);
    expect(p.mean).toBeCloseTo(0.3, 12);
    // 2 in (0.1, 0.2], 2 in (0.2, 0.5]: rank 2 ends the first bucket, 0.2.
    expect(p.p50).toBeCloseTo(0.2, 12);
  });

  it('a period without requests has null mean and quantiles', () => {
    const s = snap([2, 1, 0, 0], 0, 0.3);
    expect(errorPoint(s, s, BOUNDS, 5)).toEqual({ at: 5, requests: 0, mean: null, p50: null, p90: null });
  });
});

describe('the trust series', () => {
  it('is absent when no node has a verdict', () => {
    expect(trustPoint([undefined, undefined], 1)).toBeUndefined();
    expect(trustPoint([], 1)).toBeUndefined();
  });

  it('counts the quarantined among nodes with a verdict: 1 of 3, mean (0.9 + 0.8 + 0.1) / 3 = 0.6', () => {
    const p = trustPoint(
      [
        { quarantined: false, score: 0.9 },
        undefined,
        { quarantined: false, score: 0.8 },
        { quarantined: true, score: 0.1 },
      ],
      7,
    );
    expect(p).toMatchObject({ at: 7, nodes: 3, quarantined: 1 });
    expect(p!.meanScore).toBeCloseTo(0.6, 12);
  });

  it('a series of 3 keeps the newest 3 of 5 points, oldest first', () => {
    const s = new Series<number>(3);
    for (let k = 1; k <= 5; k++) s.push(k);
    expect(s.list()).toEqual([3, 4, 5]);
  });
});
