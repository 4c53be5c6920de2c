import { describe, expect, it } from 'vitest';
import { ClientLimiter } from './client-limits.js';

const rate = { perSecond: 10, burst: 5 };

describe('ClientLimiter', () => {
  it('lets a burst of 5 through, refuses the 6th, and takes one more after 100 ms at 10/s', () => {
    const l = new ClientLimiter();
    const got = Array.from({ length: 6 }, () => l.take('c', { rate }, 0));
    expect(got.slice(0, 5)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(got[5]).toEqual({ code: 'rate_limited', retryAfterMs: 100 });
    expect(l.take('c', { rate }, 100)).toBeUndefined();
  });

  it("counts another coordinator's 3 requests against the bucket: 2 of a burst of 5 remain here", () => {
    const l = new ClientLimiter();
    expect(l.take('c', { rate }, 0)).toBeUndefined(); // 4 left
    l.charge('c', 3, 0); // 1 left
    expect(l.take('c', { rate }, 0)).toBeUndefined();
    expect(l.take('c', { rate }, 0)).toEqual({ code: 'rate_limited', retryAfterMs: 100 });
  });

  it('keeps a charge for a client not seen yet and applies it at its first request (4 of 5 charged)', () => {
    const l = new ClientLimiter();
    l.charge('c', 4, 0);
    expect(l.take('c', { rate }, 0)).toBeUndefined();
    expect(l.take('c', { rate }, 0)?.code).toBe('rate_limited');
  });

  it('goes at most one burst below empty however much others took (1000 charged: 6 tokens short, 600 ms at 10/s)', () => {
    const l = new ClientLimiter();
    l.take('c', { rate }, 0);
    l.charge('c', 1000, 0);
    expect(l.take('c', { rate }, 0)).toEqual({ code: 'rate_limited', retryAfterMs: 600 });
    expect(l.take('c', { rate }, 600)).toBeUndefined();
  });

  it("counts others' requests in the quota window they fell in: 6 here + 4 there spend a quota of 10", () => {
    const l = new ClientLimiter();
    const limits = { rate: { perSecond: 1000, burst: 1000 }, quota: { requests: 10, windowMs: 60_000 } };
    for (let i = 0; i < 6; i++) expect(l.take('c', limits, 1000)).toBeUndefined();
    l.charge('c', 4, 2000);
    l.charge('c', 50, -60_000); // a window already over: no effect on this one's quota
    expect(l.take('c', limits, 3000)).toEqual({ code: 'quota_exceeded', retryAfterMs: 57_000 });
  });

  it('reports the requests taken here per client once (2 for a, 1 for b), then none', () => {
    const l = new ClientLimiter();
    l.take('a', { rate }, 0);
    l.take('a', { rate }, 0);
    l.take('b', { rate }, 0);
    expect([...l.takeUsage()]).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(l.takeUsage().size).toBe(0);
  });
});
