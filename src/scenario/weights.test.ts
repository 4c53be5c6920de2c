import { describe, expect, it } from 'vitest';
import { normalise, zipfWeights } from './weights.js';

describe('zipfWeights', () => {
  it('is 1/k normalised for s = 1 (n = 3: 6/11, 3/11, 2/11)', () => {
    expect(zipfWeights(3, 1).map((w) => w.toFixed(6))).toEqual(
      [6 / 11, 3 / 11, 2 / 11].map((w) => w.toFixed(6)),
    );
  });

  it('is uniform for s = 0 and empty for n = 0', () => {
    expect(zipfWeights(4, 0)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(zipfWeights(0, 1)).toEqual([]);
  });
});

describe('normalise', () => {
  it('drops non-positive weights and scales the rest to sum 1, keeping order', () => {
    expect(
      normalise([
        ['a', 3],
        ['b', 0],
        ['c', 1],
      ]),
    ).toEqual([
      { id: 'a', weight: 0.75 },
      { id: 'c', weight: 0.25 },
    ]);
  });

  it('is empty when nothing is positive', () => {
    expect(normalise([['a', 0]])).toEqual([]);
    expect(normalise([])).toEqual([]);
  });
});
