import { describe, expect, it } from 'vitest';
import { averageRunLength, Cusum, cusumSteps } from './cusum.js';

const WARM = { p0: 0.02, p1: 0.3, h: 8 };

describe('Bernoulli CUSUM', () => {
  it('steps by ln(0.3 / 0.02) = 2.708 on a contradiction and ln(0.7 / 0.98) = −0.336 on a held claim', () => {
    const s = cusumSteps(WARM);
    expect(s.up).toBeCloseTo(Math.log(15), 12);
    expect(s.down).toBeCloseTo(Math.log(0.7 / 0.98), 12);
  });

  it('refuses priors that do not separate (p0 ≥ p1), are not probabilities, or a threshold ≤ 0', () => {
    expect(() => cusumSteps({ p0: 0.3, p1: 0.3, h: 8 })).toThrow(/0 < p0 < p1 < 1/);
    expect(() => cusumSteps({ p0: 0, p1: 0.3, h: 8 })).toThrow(RangeError);
    expect(() => cusumSteps({ p0: 0.02, p1: 1, h: 8 })).toThrow(RangeError);
    expect(() => cusumSteps({ p0: 0.02, p1: 0.3, h: 0 })).toThrow(RangeError);
  });

  it('alarms on the 3rd contradiction in a row (3 × 2.708 = 8.12 ≥ 8), not the 2nd (5.42)', () => {
    const c = new Cusum(WARM);
    expect(c.step('n', true)).toBe(false);
    expect(c.step('n', true)).toBe(false);
    expect(c.step('n', true)).toBe(true);
    expect(c.value('n')).toBeCloseTo(3 * Math.log(15), 12);
  });

  it('is floored at 0: 100 held claims do not bank credit against a later run of 3 contradictions', () => {
    const c = new Cusum(WARM);
    for (let k = 0; k < 100; k++) c.step('n', false);
    expect(c.value('n')).toBe(0);
    c.step('n', true);
    c.step('n', true);
    expect(c.step('n', true)).toBe(true);
  });

  it('washes out an isolated contradiction: 2.708 / 0.336 = 8.06, so 9 held claims bring it back to 0', () => {
    const c = new Cusum(WARM);
    c.step('n', true);
    for (let k = 0; k < 8; k++) c.step('n', false);
    expect(c.value('n')).toBeGreaterThan(0);
    c.step('n', false);
    expect(c.value('n')).toBe(0);
  });

  it('keeps one statistic per key and forgets one on reset', () => {
    const c = new Cusum(WARM);
    c.step('a', true);
    expect(c.value('b')).toBe(0);
    c.reset('a');
    expect(c.value('a')).toBe(0);
  });
});

describe('averageRunLength', () => {
  it('is exactly 3 checks for a liar contradicted every time (3 up-steps reach h = 8)', () => {
    expect(averageRunLength(WARM, 1)).toBeCloseTo(3, 9);
  });

  it('is 1 / p for a one-step alarm (h below one up-step): p = 0.25 → 4 checks', () => {
    expect(averageRunLength({ p0: 0.01, p1: 0.5, h: 3.5 }, 0.25)).toBeCloseTo(4, 6);
  });

  it('is infinite without contradictions', () => {
    expect(averageRunLength(WARM, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('separates honest from lying: > 30,000 checks to a false alarm at p0 = 2%, < 15 to detection at p1 = 30%', () => {
    expect(averageRunLength(WARM, 0.02)).toBeGreaterThan(30_000);
    expect(averageRunLength(WARM, 0.3)).toBeLessThan(15);
  });

  it('falls as the contradiction rate rises (p = 0.05, 0.1, 0.2, 0.5)', () => {
    const arl = [0.05, 0.1, 0.2, 0.5].map((p) => averageRunLength(WARM, p));
    for (let k = 1; k < arl.length; k++) expect(arl[k]!).toBeLessThan(arl[k - 1]!);
  });
});
