import { fitHoltWinters, forecastHoltWinters } from '../demand/holt-winters.js';

const DAY_MS = 86_400_000;

/**
 * Request rates per model as a coordinator observes and forecasts them, for the warm-set controller.
 * Arrivals are counted per bucket of `bucketMs` (the controller's horizon); when a bucket closes, each
 * model's series (at most `keepDays` days of it) is refitted with damped Holt-Winters, a day as the season
 * once two days are seen. The rate a plan provisions for is the larger of the upper end of the forecast
 * interval over the next two buckets and the rate seen since the previous plan, so a ramp the forecast has
 * not learned yet is still followed one period late. Units: ms, requests/s.
 */
export class ModelRates {
  private readonly counts: number[][];
  private readonly recent: Float64Array;
  private readonly forecast: Float64Array;
  private bucket = 0;
  private recentSinceMs = 0;

  constructor(
    models: number,
    private readonly bucketMs: number,
    private readonly coverage = 0.8,
    private readonly keepDays = 7,
  ) {
    if (!(bucketMs > 0)) throw new RangeError(`model rates: bucketMs must be positive (got ${bucketMs})`);
    this.counts = Array.from({ length: models }, () => [0]);
    this.recent = new Float64Array(models);
    this.forecast = new Float64Array(models);
  }

  /** One arrival of model `m` at `nowMs` (times never go back). */
  observe(m: number, nowMs: number): void {
    this.advance(nowMs);
    const c = this.counts[m]!;
    c[c.length - 1]!++;
    this.recent[m]!++;
  }

  /** Rates to plan for at `nowMs`, requests/s per model; starts a new "since the previous plan" window. */
  rates(nowMs: number): Float64Array {
    this.advance(nowMs);
    const spanS = Math.max(1, (nowMs - this.recentSinceMs) / 1000);
    const out = new Float64Array(this.recent.length);
    for (let m = 0; m < out.length; m++) out[m] = Math.max(this.forecast[m]!, this.recent[m]! / spanS);
    this.recent.fill(0);
    this.recentSinceMs = nowMs;
    return out;
  }

  /** Closes the buckets that ended by `nowMs` and refits when any did. */
  private advance(nowMs: number): void {
    const k = Math.floor(nowMs / this.bucketMs);
    if (k <= this.bucket) return;
    const keep = Math.max(2, Math.ceil((this.keepDays * DAY_MS) / this.bucketMs));
    for (const c of this.counts) {
      for (let i = this.bucket; i < k; i++) c.push(0);
      if (c.length > keep + 1) c.splice(0, c.length - keep - 1);
    }
    this.bucket = k;
    this.refit();
  }

  private refit(): void {
    const season = Number.isInteger(DAY_MS / this.bucketMs) ? DAY_MS / this.bucketMs : 1;
    const bucketS = this.bucketMs / 1000;
    this.counts.forEach((c, m) => {
      // The last entry is the bucket still open; fit the closed ones.
      const closed = c.slice(0, -1);
      const f = forecastHoltWinters(fitHoltWinters(closed, season, 2), 2, this.coverage);
      this.forecast[m] = Math.max(f.upper[0]!, f.upper[1]!) / bucketS;
    });
  }
}
