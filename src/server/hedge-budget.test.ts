import { describe, expect, it } from 'vitest';
import { HedgeBudget } from './hedge-budget.js';

describe('HedgeBudget', () => {
  it('allows the first 2 hedges before any other request is counted (a starting allowance of 2)', () => {
    const b = new HedgeBudget(0.05, 10_000, 2);
    b.request(1);
    expect(b.tryHedge(1)).toBe(true);
    b.request(2);
    expect(b.tryHedge(2)).toBe(true);
    b.request(3);
    expect(b.tryHedge(3)).toBe(false);
  });

  it('refills 1/8 hedge per request at maxRate 0.125: 8 requests after the allowance buy 1 hedge', () => {
    const b = new HedgeBudget(0.125, 1e12, 2);
    expect(b.tryHedge(0)).toBe(true);
    expect(b.tryHedge(0)).toBe(true);
    for (let k = 0; k < 7; k++) b.request(0);
    expect(b.tryHedge(0)).toBe(false);
    b.request(0);
    expect(b.tryHedge(0)).toBe(true);
    expect(b.tryHedge(0)).toBe(false);
  });

  it('at a low rate (1 request per 10 s, window 10 s) every request may be hedged', () => {
    const b = new HedgeBudget(0.05, 10_000, 2);
    let hedged = 0;
    for (let k = 0; k < 30; k++) {
      const t = k * 10_000;
      b.request(t);
      if (b.tryHedge(t)) hedged++;
    }
    expect(hedged).toBe(30);
  });

  it('under a burst of 1,000 requests in 1 s hedges at most 2 + 5 % × 1,000 + 1 = 53', () => {
    const b = new HedgeBudget(0.05, 10_000, 2);
    let hedged = 0;
    for (let k = 0; k < 1000; k++) {
      b.request(k);
      if (b.tryHedge(k)) hedged++;
    }
    expect(hedged).toBeLessThanOrEqual(53);
    expect(hedged).toBeGreaterThanOrEqual(50);
  });

  it('never hedges with maxRate 0', () => {
    const b = new HedgeBudget(0, 10_000, 2);
    b.request(0);
    expect(b.tryHedge(0)).toBe(false);
  });
});
