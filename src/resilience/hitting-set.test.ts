import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { minHittingSet } from './hitting-set.js';

/** Smallest hitting set size by trying every subset of sets (fine up to ~16 sets). */
function bruteForce(elements: number[][], sets: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 1 << sets; mask++) {
    if (elements.every((el) => el.some((s) => (mask >> s) & 1))) {
      let bits = 0;
      for (let m = mask; m; m &= m - 1) bits++;
      best = Math.min(best, bits);
    }
  }
  return best;
}

function hitsAll(elements: number[][], chosen: number[]): boolean {
  return elements.every((el) => el.some((s) => chosen.includes(s)));
}

describe('minHittingSet', () => {
  it('needs nothing for no elements', () => {
    expect(minHittingSet([])).toEqual({ sets: [], exact: true, lowerBound: 0, unhittable: 0 });
  });

  it('picks the one set every element lists', () => {
    expect(minHittingSet([[1, 7], [2, 7], [7]]).sets).toEqual([7]);
  });

  it('mixes dimensions when that is smaller than any one dimension (aws + ASN 3 instead of three of either)', () => {
    // Sets 0–2: providers aws, gcp, hetzner; sets 10–12: ASNs 1, 2, 3.
    const replicas = [
      [0, 10],
      [0, 11],
      [1, 12],
      [2, 12],
    ];
    const r = minHittingSet(replicas);
    expect(r.sets.sort((a, b) => a - b)).toEqual([0, 12]);
    expect(r.exact).toBe(true);
  });

  it('beats greedy where greedy is known to be wrong and proves it', () => {
    // Greedy takes set 9 (hits 4) then needs 2 more; the optimum is {0, 1}.
    const elements = [
      [0, 9],
      [0, 9],
      [0, 5],
      [0, 9],
      [1, 9],
      [1, 6],
    ].map((e, k) => [...e, 100 + k]);
    const r = minHittingSet(elements);
    expect(r.sets.sort((a, b) => a - b)).toEqual([0, 1]);
    expect(r).toMatchObject({ exact: true, lowerBound: 2 });
  });

  it("drops greedy's unneeded first pick and proves the rest without searching (budget 1: 4 sets → 3)", () => {
    // Set 10 (a big country) hits 3 elements, each provider 0–2 hits 2: greedy takes 10, then still
    // needs 0, 1 and 2 for the nodes outside it, after which 10 is not needed. The last three elements
    // share no set: 3 is a lower bound, so the answer is exact with no budget to search.
    const elements = [
      [0, 10],
      [1, 10],
      [2, 10],
      [0, 11],
      [1, 12],
      [2, 13],
    ];
    const r = minHittingSet(elements, { budget: 1 });
    expect(r.sets.sort((a, b) => a - b)).toEqual([0, 1, 2]);
    expect(r).toMatchObject({ exact: true, lowerBound: 3 });
  });

  it('leaves out elements no set hits and counts them', () => {
    expect(minHittingSet([[], [3]])).toEqual({ sets: [3], exact: true, lowerBound: 1, unhittable: 1 });
  });

  it('matches brute force on 60 random instances (seed 5) and always returns a valid hitting set', () => {
    const rng = new Rng(5);
    for (let t = 0; t < 60; t++) {
      const sets = 4 + rng.int(10);
      const elements = Array.from({ length: 1 + rng.int(12) }, () =>
        Array.from({ length: 1 + rng.int(3) }, () => rng.int(sets)),
      );
      const r = minHittingSet(elements);
      expect(hitsAll(elements, r.sets)).toBe(true);
      expect(r.exact).toBe(true);
      expect(r.sets.length).toBe(bruteForce(elements, sets));
    }
  });

  it('falls back to a valid greedy answer with a lower bound when the budget runs out', () => {
    const rng = new Rng(9);
    const elements = Array.from({ length: 300 }, () => [rng.int(40), 40 + rng.int(40), 80 + rng.int(40)]);
    const r = minHittingSet(elements, { budget: 1 });
    expect(hitsAll(elements, r.sets)).toBe(true);
    expect(r.lowerBound).toBeLessThanOrEqual(r.sets.length);
    if (!r.exact) expect(r.lowerBound).toBeGreaterThan(0);
  });
});
