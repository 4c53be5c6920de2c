import { describe, expect, it } from 'vitest';
import { fitRttModel, relativeErrors } from './rtt-fit.js';

describe('fitRttModel', () => {
  it('recovers inflation 2 and access 10 ms from noise-free samples', () => {
    // rtt = 2·km/204·2 + 10 for km = 100, 600, …, 9600.
    const samples = Array.from({ length: 20 }, (_, k) => {
      const km = 100 + 500 * k;
      return { km, ms: ((2 * km) / 204) * 2 + 10 };
    });
    const fit = fitRttModel(samples);
    expect(fit.pairs).toBe(20);
    expect(fit.inflation).toBeCloseTo(2, 4);
    expect(fit.accessMs).toBeCloseTo(10, 3);
    expect(fit.medianRelErr).toBeLessThan(1e-5);
  });

  it('weights pairs by relative error: a 10% high and a 10% low sample around one distance balance out', () => {
    const base = (km: number) => ((2 * km) / 204) * 1.5 + 4;
    const samples = [100, 1000, 5000].flatMap((km) => [
      { km, ms: base(km) * 1.1 },
      { km, ms: base(km) / 1.1 },
    ]);
    const fit = fitRttModel(samples);
    expect(fit.inflation).toBeCloseTo(1.5, 3);
    expect(fit.accessMs).toBeCloseTo(4, 2);
  });

  it('ignores unusable samples and gives NaNs when none is left', () => {
    const fit = fitRttModel([
      { km: 100, ms: 0 },
      { km: Number.NaN, ms: 5 },
    ]);
    expect(fit.pairs).toBe(0);
    expect(fit.inflation).toBeNaN();
    expect(fitRttModel([]).medianRelErr).toBeNaN();
  });
});

describe('relativeErrors', () => {
  it('is |pred − meas| / meas per sample', () => {
    // pred = 2·102/204·1 + 1 = 2 ms; measured 4 → 0.5, measured 2 → 0.
    const rel = relativeErrors(
      [
        { km: 102, ms: 4 },
        { km: 102, ms: 2 },
      ],
      { inflation: 1, accessMs: 1, fibreKmPerMs: 204 },
    );
    expect(Array.from(rel)).toEqual([0.5, 0]);
  });
});
