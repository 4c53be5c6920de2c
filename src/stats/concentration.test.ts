import { describe, expect, it } from 'vitest';
import { effectiveNumber } from './effective.js';
import { entropy, expEntropy } from './entropy.js';
import { hhi } from './hhi.js';
import { nakamoto, nakamotoAll } from './nakamoto.js';
import { shares } from './shares.js';

// Expected values computed by hand: shares p_i = w_i / Σw, HHI = Σp², effective = 1/HHI,
// H = −Σ p ln p, Nakamoto = fewest largest groups whose summed share is strictly above the threshold.
const LN2 = Math.LN2;
const LN3 = Math.log(3);
// −(0.6 ln 0.6 + 0.3 ln 0.3 + 0.1 ln 0.1)
const H_631 = 0.6 * 0.5108256237659907 + 0.3 * 1.2039728043259361 + 0.1 * Math.LN10;

interface Case {
  name: string;
  weights: number[];
  hhi: number;
  effective: number;
  entropy: number;
  expEntropy: number;
  nakamoto: { '1/3': number; '1/2': number; '2/3': number };
}

const CASES: Case[] = [
  {
    name: 'empty input is 0 everywhere (nothing to concentrate)',
    weights: [],
    hhi: 0,
    effective: 0,
    entropy: 0,
    expEntropy: 0,
    nakamoto: { '1/3': 0, '1/2': 0, '2/3': 0 },
  },
  {
    name: 'all-zero weights behave like empty input',
    weights: [0, 0],
    hhi: 0,
    effective: 0,
    entropy: 0,
    expEntropy: 0,
    nakamoto: { '1/3': 0, '1/2': 0, '2/3': 0 },
  },
  {
    name: 'one group holds everything',
    weights: [5],
    hhi: 1,
    effective: 1,
    entropy: 0,
    expEntropy: 1,
    nakamoto: { '1/3': 1, '1/2': 1, '2/3': 1 },
  },
  {
    name: 'two equal groups: exactly 1/2 does not exceed 1/2',
    weights: [1, 1],
    hhi: 0.5,
    effective: 2,
    entropy: LN2,
    expEntropy: 2,
    nakamoto: { '1/3': 1, '1/2': 2, '2/3': 2 },
  },
  {
    name: 'three equal groups: ties at 1/3 and 2/3 need one more group',
    weights: [2, 2, 2],
    hhi: 1 / 3,
    effective: 3,
    entropy: LN3,
    expEntropy: 3,
    nakamoto: { '1/3': 2, '1/2': 2, '2/3': 3 },
  },
  {
    name: 'shares 0.6, 0.3, 0.1 in any order',
    weights: [1, 6, 3],
    hhi: 0.46,
    effective: 1 / 0.46,
    entropy: H_631,
    expEntropy: Math.exp(H_631),
    nakamoto: { '1/3': 1, '1/2': 1, '2/3': 2 },
  },
  {
    name: 'shares 0.5, 0.25, 0.25: the half-holder alone does not exceed 1/2',
    weights: [50, 25, 25],
    hhi: 0.375,
    effective: 1 / 0.375,
    entropy: 0.5 * LN2 + 0.5 * 2 * LN2,
    expEntropy: Math.exp(1.5 * LN2),
    nakamoto: { '1/3': 1, '1/2': 2, '2/3': 2 },
  },
  {
    name: 'zero, negative and NaN weights count as nothing',
    weights: [3, 0, -2, Number.NaN, 1],
    hhi: 0.625,
    effective: 1.6,
    entropy: -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)),
    expEntropy: Math.exp(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25))),
    nakamoto: { '1/3': 1, '1/2': 1, '2/3': 1 },
  },
];

describe('concentration metrics on hand-computed cases', () => {
  for (const c of CASES) {
    it(c.name, () => {
      expect(hhi(c.weights)).toBeCloseTo(c.hhi, 12);
      expect(effectiveNumber(c.weights)).toBeCloseTo(c.effective, 12);
      expect(entropy(c.weights)).toBeCloseTo(c.entropy, 12);
      expect(expEntropy(c.weights)).toBeCloseTo(c.expEntropy, 12);
      expect(nakamotoAll(c.weights)).toEqual(c.nakamoto);
    });
  }

  it('does not depend on the scale of the weights (lamports or fractions)', () => {
    const a = [6e17, 3e17, 1e17];
    const b = [0.6, 0.3, 0.1];
    expect(hhi(a)).toBeCloseTo(hhi(b), 14);
    expect(entropy(a)).toBeCloseTo(entropy(b), 14);
    expect(nakamotoAll(a)).toEqual(nakamotoAll(b));
  });

  it('needs one group to exceed a zero threshold and no set of groups exceeds the whole', () => {
    expect(nakamoto([1, 1], 0)).toBe(1);
    expect(nakamoto([1, 1], 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('gives each group its share and leaves out groups without weight', () => {
    const s = shares(
      new Map([
        ['hetzner', 3],
        ['aws', 1],
        ['none', 0],
      ]),
    );
    expect([...s]).toEqual([
      ['hetzner', 0.75],
      ['aws', 0.25],
    ]);
    expect(shares(new Map()).size).toBe(0);
  });
});
