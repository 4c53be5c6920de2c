import { describe, expect, it } from 'vitest';
import { erlangCWait } from './erlang-c.js';

describe('erlangCWait', () => {
  it.each([
    // M/M/1: Wq·μ = ρ / (1 − ρ).
    [1, 0.5, 1],
    [1, 0.8, 4],
    // M/M/2 at a = 1: C = 1/3, Wq·μ = (1/3) / (2 − 1) = 0.3333.
    [2, 1, 1 / 3],
    // M/M/4 at a = 3.2 (λ 160/s, 20 ms): C = 0.59643, Wq·μ = 0.59643 / 0.8 = 0.74554 (14.9 ms).
    [4, 3.2, 0.74554],
  ])('c = %s servers at a = %s erlangs waits %s service times on average', (c, a, w) => {
    expect(erlangCWait(c, a)).toBeCloseTo(w, 4);
  });

  it('is 0 without load and Infinity when unstable or without servers', () => {
    expect(erlangCWait(3, 0)).toBe(0);
    expect(erlangCWait(3, 3)).toBe(Number.POSITIVE_INFINITY);
    expect(erlangCWait(0, 0.1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('stays finite for 2,000 servers at 95% load', () => {
    const w = erlangCWait(2000, 1900);
    expect(Number.isFinite(w)).toBe(true);
    expect(w).toBeGreaterThan(0);
    expect(w).toBeLessThan(0.01);
  });
});
