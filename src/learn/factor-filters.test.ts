import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { FactorFilters, factorFilterSettings } from './factor-filters.js';

describe('FactorFilters', () => {
  it('starts at the prior: factor 1, spread √0.25 = 0.5, no samples', () => {
    const f = new FactorFilters(2);
    expect(f.factor(1)).toBe(1);
    expect(f.relativeSpread(1, 0)).toBeCloseTo(0.5, 12);
    expect(f.samples(1)).toBe(0);
  });

  it('one exact sample of ratio 2 moves ln-factor by k·ln 2, k = 0.25 / (0.25 + 0.01) = 0.9615', () => {
    const f = new FactorFilters(1);
    f.observe(0, 200, 100, 0);
    const k = 0.25 / 0.26;
    expect(f.logFactor(0)).toBeCloseTo(k * Math.LN2, 12);
    expect(f.relativeSpread(0, 0) ** 2).toBeCloseTo((1 - k) * 0.25, 12);
  });

  it('ignores zero, negative and non-finite samples', () => {
    const f = new FactorFilters(1);
    for (const [o, p] of [
      [0, 100],
      [-5, 100],
      [100, 0],
      [Number.NaN, 1],
      [Number.POSITIVE_INFINITY, 1],
    ] as const)
      f.observe(0, o, p, 0);
    expect(f.samples(0)).toBe(0);
    expect(f.factor(0)).toBe(1);
  });

  it.each([0.5, 0.7, 1.3, 1.6, 2.5])(
    'converges to a hidden factor %s over 20 seeds: 40 samples with 10%% log-normal noise leave a median error ≤ 3%% and none > 8%%',
    (hidden) => {
      const errors: number[] = [];
      for (let seed = 1; seed <= 20; seed++) {
        const rng = new Rng(seed);
        const f = new FactorFilters(1);
        for (let s = 0; s < 40; s++) f.observe(0, 100 * hidden * rng.logNormal(1, 0.1), 100, s * 1000);
        errors.push(Math.abs(f.factor(0) / hidden - 1));
        expect(f.relativeSpread(0, 40_000)).toBeLessThan(0.1);
      }
      errors.sort((x, y) => x - y);
      expect((errors[9]! + errors[10]!) / 2).toBeLessThanOrEqual(0.03);
      expect(errors[19]).toBeLessThanOrEqual(0.08);
    },
  );

  it('a single wild sample (×50) after convergence moves the factor by at most clip·σ, not to ×50', () => {
    const f = new FactorFilters(1);
    for (let s = 0; s < 30; s++) f.observe(0, 100, 100, s * 1000);
    const before = f.logFactor(0);
    const spread = Math.sqrt(f.relativeSpread(0, 30_000) ** 2 + 0.01);
    f.observe(0, 5000, 100, 30_000);
    expect(f.logFactor(0) - before).toBeLessThanOrEqual(3 * spread + 1e-12);
    expect(f.factor(0)).toBeLessThan(1.4);
  });

  it('second-hand samples never start a change of regime: 20 claims of ×0.25 after 30 first-hand samples at ×1 move the factor less than 4 first-hand ones do, and not below 0.9 while first-hand ones keep coming', () => {
    const converged = () => {
      const f = new FactorFilters(1);
      for (let s = 0; s < 30; s++) f.observe(0, 100, 100, s * 1000);
      return f;
    };
    const claims = converged();
    for (let s = 0; s < 20; s++) claims.observe(0, 25, 100, 30_000 + s * 1000, 16, true);
    const seen = converged();
    for (let s = 0; s < 4; s++) seen.observe(0, 25, 100, 30_000 + s * 1000);
    expect(seen.factor(0)).toBeLessThan(0.3);
    expect(claims.factor(0)).toBeGreaterThan(0.7);
    const mixed = converged();
    for (let s = 0; s < 20; s++) {
      mixed.observe(0, 25, 100, 30_000 + s * 1000, 16, true);
      mixed.observe(0, 100, 100, 30_000 + s * 1000 + 500);
    }
    expect(mixed.factor(0)).toBeGreaterThan(0.9);
  });

  it('returns towards the prior after holdS of silence: ×4 stays ×4 for 60 s, is 4^(1/e) = 1.665 60 s later and 4^(1/e²) = 1.206 at 180 s; releaseS 0 keeps it', () => {
    const f = new FactorFilters(2, { priorVariance: 0.25 });
    const kept = new FactorFilters(1, { releaseS: 0 });
    for (let s = 0; s < 40; s++) {
      f.observe(0, 400, 100, s * 100);
      kept.observe(0, 400, 100, s * 100);
    }
    const last = 3900;
    const at = f.factor(0);
    expect(f.factorAt(0, last + 60_000)).toBeCloseTo(at, 12);
    expect(f.factorAt(0, last + 120_000)).toBeCloseTo(at ** Math.exp(-1), 9);
    expect(f.factorAt(0, last + 180_000)).toBeCloseTo(at ** Math.exp(-2), 9);
    expect(kept.factorAt(0, last + 600_000)).toBeCloseTo(kept.factor(0), 12);
    expect(f.factorAt(1, 1e9)).toBe(1);
  });

  it('picks up a straggler episode (×3 slower) within 4 samples and releases it within 4 after it ends', () => {
    const rng = new Rng(7);
    const f = new FactorFilters(1);
    let t = 0;
    const feed = (factor: number, n: number) => {
      for (let s = 0; s < n; s++, t += 250) f.observe(0, 100 * factor * rng.logNormal(1, 0.05), 100, t);
    };
    feed(1, 200);
    expect(f.factor(0)).toBeCloseTo(1, 1);
    feed(3, 4);
    expect(f.factor(0)).toBeGreaterThan(2.5);
    feed(3, 100);
    feed(1, 4);
    expect(f.factor(0)).toBeLessThan(1.25);
  });

  it('forgets at the stated rate: variance grows by driftPerSecond per second of silence, capped at the prior', () => {
    const f = new FactorFilters(1, { driftPerSecond: 0.002 });
    for (let s = 0; s < 50; s++) f.observe(0, 100, 100, 0);
    const v0 = f.relativeSpread(0, 0) ** 2;
    expect(f.relativeSpread(0, 10_000) ** 2).toBeCloseTo(v0 + 0.02, 12);
    expect(f.relativeSpread(0, 1e9) ** 2).toBeCloseTo(0.25, 12);
  });

  it('reset returns one filter to the prior and leaves the others', () => {
    const f = new FactorFilters(2);
    f.observe(0, 300, 100, 0);
    f.observe(1, 300, 100, 0);
    f.reset(0);
    expect(f.factor(0)).toBe(1);
    expect(f.factor(1)).toBeGreaterThan(2);
  });

  it('refuses a negative setting, naming it', () => {
    expect(() => factorFilterSettings({ noise: -1 })).toThrow(/noise must be a finite number ≥ 0 \(got -1\)/);
    expect(() => new FactorFilters(-1)).toThrow(/size/);
  });
});
