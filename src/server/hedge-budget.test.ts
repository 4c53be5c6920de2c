import { describe, expect, it } from 'vitest';
import { HedgeBudget } from './hedge-budget.js';

describe('HedgeBudget', () => {
  it('allows no hedge before any request is counted', () => {
    expect(new HedgeBudget(0.5, 10_000).tryHedge(1)).toBe(false);
  });

  it('keeps hedges at or below maxRate × requests in the window', () => {
    const b = new HedgeBudget(0.1, 10_000);
    for (let k = 0; k < 20; k++) b.request(1000);
    expect(b.tryHedge(1000)).toBe(true);
    expect(b.tryHedge(1000)).toBe(true);
    expect(b.tryHedge(1000)).toBe(false);
    expect(b.rate(1000)).toBe(0.1);
  });

  it('forgets requests and hedges older than the window', () => {
    const b = new HedgeBudget(0.5, 1000);
    b.request(1000);
    b.request(1000);
    expect(b.tryHedge(1000)).toBe(true);
    expect(b.tryHedge(1000)).toBe(false);
    expect(b.rate(2500)).toBe(0);
    b.request(2500);
    b.request(2500);
    expect(b.tryHedge(2500)).toBe(true);
  });
});
