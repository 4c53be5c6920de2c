import { describe, expect, it } from 'vitest';
import { spotCheckRate, spotVerdict } from './spot-check.js';

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

describe('spotCheckRate (base rate ÷ trust score, capped)', () => {
  it('checks a node without history (score 0.5) at 10% for a 5% base', () => {
    expect(spotCheckRate(0.05, 0.5)).toBeCloseTo(0.1, 12);
  });

  it('checks a fully trusted node (score 1) at the base rate, 5%', () => {
    expect(spotCheckRate(0.05, 1)).toBeCloseTo(0.05, 12);
  });

  it('stops rising at 4 × the base (20%) for a score of 0.25 or below', () => {
    expect(spotCheckRate(0.05, 0.25)).toBeCloseTo(0.2, 12);
    expect(spotCheckRate(0.05, 0.01)).toBeCloseTo(0.2, 12);
  });

  it('checks every answer (1) of a suspect node, whatever its score, unless the base is 0', () => {
    expect(spotCheckRate(0.05, 0.9, true)).toBe(1);
    expect(spotCheckRate(0, 0.9, true)).toBe(0);
  });

  it('never exceeds 1 (base 0.4, score 0.1 gives 1, not 1.6) and is 0 for a base of 0', () => {
    expect(spotCheckRate(0.4, 0.1)).toBe(1);
    expect(spotCheckRate(0, 0.1)).toBe(0);
  });
});
