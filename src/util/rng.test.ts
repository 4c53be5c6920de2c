import { describe, expect, it } from 'vitest';
import { Rng, WeightedSampler } from './rng.js';

describe('Rng', () => {
  it('gives the same sequence for the same seed', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    expect(Array.from({ length: 5 }, () => a.nextU32())).toEqual(
      Array.from({ length: 5 }, () => b.nextU32()),
    );
  });
  it('reseeded with 42 after 1,000 draws and a spare normal, continues exactly as a new Rng(42)', () => {
    const used = new Rng(7);
    for (let i = 0; i < 1000; i++) used.next();
    used.normal();
    used.reseed(42);
    const fresh = new Rng(42);
    const draws = (r: Rng) => [r.nextU32(), r.normal(), r.normal(), r.next()];
    expect(draws(used)).toEqual(draws(fresh));
  });

  it('gives different sequences for different seeds', () => {
    expect(new Rng(1).nextU32()).not.toBe(new Rng(2).nextU32());
  });
  it('has the mean of its exponential and gamma close to the stated mean over 100k draws', () => {
    const r = new Rng(3);
    let e = 0;
    let g = 0;
    for (let i = 0; i < 100_000; i++) {
      e += r.exponential(2);
      g += r.gamma(0.5, 4);
    }
    expect(e / 100_000).toBeCloseTo(2, 1);
    expect(g / 100_000).toBeCloseTo(2, 1);
  });
});

describe('WeightedSampler', () => {
  it('draws indices in proportion to their weights', () => {
    const s = new WeightedSampler([1, 0, 3]);
    const r = new Rng(11);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[s.sample(r)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeCloseTo(3, 0);
  });
  it('returns -1 when every weight is zero', () => {
    expect(new WeightedSampler([0, 0]).sample(new Rng(1))).toBe(-1);
  });
});
