import { describe, expect, it } from 'vitest';
import { DemandRecorder, regroup } from './series.js';

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
});
