/**
 * Caps hedging at a fraction of requests over a sliding window (ten buckets of `windowMs / 10`), so a
 * slow network cannot turn hedges into a doubling of load.
 */
export class HedgeBudget {
  private readonly requests = new Float64Array(10);
  private readonly hedges = new Float64Array(10);
  private bucket = 0;
  private bucketStart = 0;

  constructor(
    private readonly maxRate: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one request. */
  request(now: number): void {
    this.roll(now);
    this.requests[this.bucket]!++;
  }

  /** True (and counted) when one more hedge keeps hedges ≤ maxRate × requests in the window. */
  tryHedge(now: number): boolean {
    this.roll(now);
    const req = sum(this.requests);
    const hed = sum(this.hedges);
    if (hed + 1 > this.maxRate * req) return false;
    this.hedges[this.bucket]!++;
    return true;
  }

  /** Hedges ÷ requests in the current window (0 with no requests). */
  rate(now: number): number {
    this.roll(now);
    const req = sum(this.requests);
    return req === 0 ? 0 : sum(this.hedges) / req;
  }

  private roll(now: number): void {
    const width = this.windowMs / 10;
    if (this.bucketStart === 0) this.bucketStart = now;
    let steps = Math.floor((now - this.bucketStart) / width);
    if (steps <= 0) return;
    this.bucketStart += steps * width;
    if (steps > 10) steps = 10;
    for (let i = 0; i < steps; i++) {
      this.bucket = (this.bucket + 1) % 10;
      this.requests[this.bucket] = 0;
      this.hedges[this.bucket] = 0;
    }
  }
}

function sum(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}
