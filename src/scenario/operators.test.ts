import { describe, expect, it } from 'vitest';
import { planOperators } from './operators.js';

describe('planOperators', () => {
  it('gives Zipf(1) shares: 1/H(4) = 0.48, 0.24, 0.16, 0.12', () => {
    const { shares } = planOperators(4, 1, [1]);
    const h = 1 + 1 / 2 + 1 / 3 + 1 / 4;
    expect(shares.map((s) => s.toFixed(4))).toEqual([1, 2, 3, 4].map((k) => (1 / k / h).toFixed(4)));
  });

  it('assigns the largest operator to the heaviest provider and fills the others by deficit', () => {
    // shares 0.48, 0.24, 0.16, 0.12 against targets 0.5 / 0.5:
    // op1 → p0 (0.48); op2 → p1 (deficit 0.5 > 0.02); op3 → p1 (0.26 > 0.02); op4 → p1 (0.10 > 0.02)
    expect(planOperators(4, 1, [1, 1]).home).toEqual([0, 1, 1, 1]);
  });

  it('never homes an operator on a provider of weight 0', () => {
    expect(planOperators(10, 1, [0, 3, 0]).home.every((p) => p === 1)).toBe(true);
  });

  it('is empty for zero operators', () => {
    expect(planOperators(0, 1, [1])).toEqual({ shares: [], home: [] });
  });
});
