import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { cheapest } from './receipt.js';

/** What the receipt showed before: every position sorted by cost, then by position, the first n. */
function bySort(costs: readonly number[], count: number, n: number): number[] {
  return Array.from({ length: count }, (_, k) => k)
    .sort((a, b) => costs[a]! - costs[b]! || a - b)
    .slice(0, Math.max(0, n));
}

describe('cheapest (the candidates a receipt shows)', () => {
  it.each([
    ['the 3 lowest of 6, lowest first', [5, 1, 4, 1.5, 9, 0.5], 6, 3, [5, 1, 3]],
    ['equal costs in position order', [2, 1, 2, 1, 2], 5, 4, [1, 3, 0, 2]],
    ['only the first count positions count (4 of 6)', [9, 8, 7, 6, 0, 0], 4, 2, [3, 2]],
    ['n above count: all of them', [3, 1], 2, 5, [1, 0]],
    ['n of 0 and an empty list: none', [1, 2], 2, 0, []],
    ['infinite costs last, in position order', [Infinity, 2, Infinity, 1], 4, 4, [3, 1, 0, 2]],
  ] as const)('%s', (_name, costs, count, n, expected) => {
    expect(cheapest(costs, count, n)).toEqual(expected);
    expect(cheapest(costs, count, n)).toEqual(bySort(costs, count, n));
  });

  it('agrees with the full sort on 200 random lists of up to 300 costs with ties, for n from 0 to 12 (seeds 1 and 2)', () => {
    for (const seed of [1, 2]) {
      const rng = new Rng(seed);
      for (let t = 0; t < 100; t++) {
        const count = Math.floor(rng.next() * 300);
        const costs = Array.from({ length: count + 5 }, () => Math.floor(rng.next() * 50) / 2);
        const n = Math.floor(rng.next() * 13);
        expect(cheapest(costs, count, n)).toEqual(bySort(costs, count, n));
      }
    }
  });
});
