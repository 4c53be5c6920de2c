import { describe, expect, it } from 'vitest';
import { ServedRates } from './served-rates.js';

describe('ServedRates', () => {
  it('averages with the horizon as time constant: 60 requests in 60 s, horizon 600 s → (1 − e^−0.1) × 1 = 0.0952 req/s', () => {
    const r = new ServedRates();
    r.fold(0, 600_000);
    for (let k = 0; k < 60; k++) r.add('n1', 'm');
    r.fold(60_000, 600_000);
    expect(r.rps('n1', 'm')).toBeCloseTo(1 - Math.exp(-0.1), 9);
    expect(r.rps('n1', 'other')).toBe(0);
    expect(r.rps('n2', 'm')).toBe(0);
  });

  it('decays without requests: the same rate after another 600 s of none is × e^−1', () => {
    const r = new ServedRates();
    r.fold(0, 600_000);
    for (let k = 0; k < 60; k++) r.add('n1', 'm');
    r.fold(60_000, 600_000);
    const before = r.rps('n1', 'm');
    r.fold(660_000, 600_000);
    expect(r.rps('n1', 'm')).toBeCloseTo(before * Math.exp(-1), 12);
  });

  it('converges on a steady rate: 2 req/s for 100 periods of 60 s → 2 within 0.1 %', () => {
    const r = new ServedRates();
    r.fold(0, 600_000);
    for (let p = 1; p <= 100; p++) {
      for (let k = 0; k < 120; k++) r.add('n1', 'm');
      r.fold(p * 60_000, 600_000);
    }
    expect(r.rps('n1', 'm')).toBeCloseTo(2, 2);
  });

  it("shares only its own answers, once: 3 own and 2 another coordinator's count for the rate; takeOwn gives the 3, then nothing", () => {
    const r = new ServedRates();
    r.fold(0, 1_000);
    for (let k = 0; k < 3; k++) r.add('n1', 'm');
    r.addShared('n1\u0000m', 2);
    r.addShared('not a pair', 5);
    expect(r.takeOwn()).toEqual([['n1\u0000m', 3]]);
    expect(r.takeOwn()).toEqual([]);
    r.fold(1_000, 1_000);
    expect(r.rps('n1', 'm')).toBeCloseTo((1 - Math.exp(-1)) * 5, 9);
  });
});
