import { describe, expect, it } from 'vitest';
import { bucketsSpanned, DemandRecorder, MAX_DEMAND_BUCKETS, regroup, smallestBucketS } from './series.js';

describe('DemandRecorder', () => {
  it('buckets requests, tokens and unmet per (place, model): 1-minute buckets, events at 0 s, 30 s and 130 s', () => {
    const d = new DemandRecorder(60_000);
    d.record('frankfurt', 'llama', 0, { requests: 1, tokens: 100, unmet: 0 });
    d.record('frankfurt', 'llama', 30_000, { requests: 1, tokens: 50, unmet: 1 });
    d.record('tokyo', 'llama', 130_000, { requests: 1, tokens: 10, unmet: 0 });
    const j = d.toJSON();
    expect(j.series.map((s) => [s.place, s.requests, s.tokens, s.unmet])).toEqual([
      ['frankfurt', [2, 0, 0], [150, 0, 0], [1, 0, 0]],
      ['tokyo', [0, 0, 1], [0, 0, 10], [0, 0, 0]],
    ]);
  });

  it('starts empty and ignores events before its origin', () => {
    const d = new DemandRecorder(1000, 5000);
    d.record('a', 'm', 4999, { requests: 1, tokens: 1, unmet: 0 });
    expect(d.toJSON()).toEqual({ bucketMs: 1000, originMs: 5000, series: [] });
  });

  it('regroups metros into regions by summing: frankfurt + paris → europe', () => {
    const d = new DemandRecorder(1000);
    d.record('frankfurt', 'm', 0, { requests: 2, tokens: 20, unmet: 0 });
    d.record('paris', 'm', 1500, { requests: 3, tokens: 30, unmet: 1 });
    const r = regroup(d.toJSON(), (p) => (p === 'frankfurt' || p === 'paris' ? 'europe' : p));
    expect(r.series).toEqual([
      { place: 'europe', model: 'm', requests: [2, 3], tokens: [20, 30], unmet: [0, 1] },
    ]);
  });

  it('refuses a bucket of 0 ms', () => {
    expect(() => new DemandRecorder(0)).toThrow(/bucketMs must be a positive number \(got 0\)/);
  });

  it('counts 31,553,789,760 buckets of 10 s from 0001-01-01 to 9999-12-31 23:59:59 and needs 315,538 s buckets to stay within 1,000,000', () => {
    const span = 315_537_897_599_000;
    expect(MAX_DEMAND_BUCKETS).toBe(1_000_000);
    expect(bucketsSpanned(span, 10_000)).toBe(31_553_789_760);
    expect(smallestBucketS(span, MAX_DEMAND_BUCKETS)).toBe(315_538);
    expect(bucketsSpanned(span, 315_538_000)).toBe(1_000_000);
    expect(bucketsSpanned(span, 315_537_000)).toBe(1_000_003);
  });

  it('fits one bucket for a span of 0 ms and 60,481 buckets of 10 s for a week, the longest Azure trace', () => {
    expect(bucketsSpanned(0, 10_000)).toBe(1);
    expect(bucketsSpanned(7 * 86_400_000, 10_000)).toBe(60_481);
    expect(smallestBucketS(0, MAX_DEMAND_BUCKETS)).toBe(1);
  });
});
