/**
 * Caps hedging with a token bucket: it starts with `burst` hedges, each request adds `maxRate` of a hedge
 * and each `windowMs` of time adds one, up to `burst`; a hedge takes one. So hedging works from the first
 * request and at low rates (a slow node at one request a minute still gets hedged), while over any span
 * hedges stay ≤ burst + maxRate × requests + elapsed / windowMs: a slow network cannot turn hedges into
 * a doubling of load. `maxRate` 0 turns hedging off.
 */
export class HedgeBudget {
  private tokens: number;
  private last = Number.NaN;

  constructor(
    private readonly maxRate: number,
    private readonly windowMs: number,
    private readonly burst = 2,
  ) {
    this.tokens = burst;
  }

  /** Counts one request. */
  request(now: number): void {
    this.refill(now);
    this.tokens = Math.min(this.burst, this.tokens + this.maxRate);
  }

  /** True (and counted) when a hedge is allowed now. */
  tryHedge(now: number): boolean {
    if (this.maxRate <= 0) return false;
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Hedges that could be sent now (whole tokens). */
  available(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  private refill(now: number): void {
    if (Number.isNaN(this.last)) this.last = now;
    const dt = now - this.last;
    if (dt <= 0) return;
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + dt / this.windowMs);
  }
}
