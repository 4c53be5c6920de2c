import { describe, expect, it } from 'vitest';
import { erlangCProbability, erlangCWait } from './erlang-c.js';

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

  it('is 0 for far more servers than load (10,000 servers at 100 erlangs), and still positive where B is small but not negligible (200 at 150)', () => {
    expect(erlangCWait(10_000, 100)).toBe(0);
    // B(200, 150) ≈ 1.3e-5: C ≈ 200 · B / (200 − 150) ≈ 5e-5, W = C / 50 ≈ 1e-6 service times.
    const w = erlangCWait(200, 150);
    expect(w).toBeGreaterThan(1e-8);
    expect(w).toBeLessThan(1e-4);
  });
});

describe('erlangCProbability', () => {
  it('is 0.596432 for c = 4 at λ = 160/s and μ = 50/s (a = 3.2): mean wait 0.596432 / (200 − 160) s = 14.911 ms', () => {
    // Σ_{k<4} 3.2^k/k! = 1 + 3.2 + 5.12 + 5.461333 = 14.781333; 3.2^4/4! · 4/(4 − 3.2) = 4.369067 · 5 = 21.845333;
    // P = 21.845333 / (14.781333 + 21.845333) = 0.596432.
    expect(erlangCProbability(4, 3.2)).toBeCloseTo(0.596432, 6);
    expect(erlangCWait(4, 3.2) * 20).toBeCloseTo(14.9108, 4);
  });

  it('is ρ for one server (M/M/1 waits with probability λ/μ), 0 without load and 1 when unstable', () => {
    expect(erlangCProbability(1, 0.7)).toBeCloseTo(0.7, 12);
    expect(erlangCProbability(4, 0)).toBe(0);
    expect(erlangCProbability(4, 4)).toBe(1);
    expect(erlangCProbability(0, 0.5)).toBe(1);
  });
});
