import { describe, expect, it } from 'vitest';
import { ratioInterval } from './ratio-interval.js';

describe('ratioInterval', () => {
  it('is NaN for no runs, and has NaN bounds for one run (ratio 1.2 kept)', () => {
    const none = ratioInterval([]);
    expect([none.ratio, none.low, none.high].every(Number.isNaN)).toBe(true);
    const one = ratioInterval([1.2]);
    expect(one.ratio).toBeCloseTo(1.2, 12);
    expect(one.low).toBeNaN();
    expect(one.high).toBeNaN();
  });

  it('has no width when every run agrees (three runs of 1.05)', () => {
    expect(ratioInterval([1.05, 1.05, 1.05])).toEqual({ ratio: 1.05, low: 1.05, high: 1.05 });
  });

  it('is symmetric in the ratio scale: runs 1.1 and 1/1.1 give 1 and bounds reciprocal to each other', () => {
    const r = ratioInterval([1.1, 1 / 1.1]);
    expect(r.ratio).toBeCloseTo(1, 12);
    expect(r.low * r.high).toBeCloseTo(1, 12);
  });

  it('uses t(0.975, 3) = 3.182 for four runs (e^±0.05: mean 0, sd 0.0577, half width 0.0919)', () => {
    // logs: 0.05, -0.05, 0.05, -0.05 → mean 0, sample sd sqrt(4 × 0.0025 / 3) = 0.057735;
    // half width 3.182 × 0.057735 / 2 = 0.091856.
    const r = ratioInterval([Math.exp(0.05), Math.exp(-0.05), Math.exp(0.05), Math.exp(-0.05)]);
    expect(r.ratio).toBeCloseTo(1, 12);
    expect(Math.log(r.high)).toBeCloseTo(0.091856, 5);
    expect(Math.log(r.low)).toBeCloseTo(-0.091856, 5);
  });

  it('uses 1.96 + 2.4 / df past 30 degrees of freedom (40 runs alternating e^±0.1: half width 2.0215 × 0.1013 / √40)', () => {
    const runs = Array.from({ length: 40 }, (_, i) => Math.exp(i % 2 === 0 ? 0.1 : -0.1));
    // sample sd = sqrt(40 × 0.01 / 39) = 0.101274; t ≈ 1.96 + 2.4 / 39 = 2.021538 (exact 2.0227);
    // half width 2.021538 × 0.101274 / 6.324555 = 0.032371.
    expect(Math.log(ratioInterval(runs).high)).toBeCloseTo(0.032371, 5);
  });
});
