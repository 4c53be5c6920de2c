import { describe, expect, it } from 'vitest';
import { spotVerdict } from './spot-check.js';

describe('spotVerdict (executor vs verifier, a third node breaks ties)', () => {
  it('matches without asking a third node', () => {
    let asked = 0;
    expect(spotVerdict(7, 7, () => ++asked)).toBe('match');
    expect(asked).toBe(0);
  });

  it('blames the executor when the third node sides with the verifier', () => {
    expect(spotVerdict(9, 0, () => 0)).toBe('executor');
  });

  it('blames the verifier when the third node sides with the executor', () => {
    expect(spotVerdict(0, 9, () => 0)).toBe('verifier');
  });

  it('blames no one when all three disagree (or the third is missing: NaN)', () => {
    expect(spotVerdict(1, 2, () => 3)).toBe('inconclusive');
    expect(spotVerdict(1, 2, () => Number.NaN)).toBe('inconclusive');
  });
});
