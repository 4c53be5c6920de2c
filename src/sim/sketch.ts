/**
 * Quantile sketch with relative accuracy (DDSketch: Masson, Rim, Lee, "DDSketch: a fast and fully-mergeable
 * quantile sketch with relative-error guarantees", VLDB 2019): values fall in logarithmic bins of ratio
 * γ = (1 + α) / (1 − α), and a quantile is returned within ±α of the true value. Fixed memory, no
 * allocation per value, deterministic. Values ≤ `MIN_VALUE` (including 0) count in one bin reported as 0.
 */
export class Sketch {
  static readonly ALPHA = 0.005;
  static readonly MIN_VALUE = 1e-3;
  static readonly MAX_VALUE = 1e9;
  private static readonly GAMMA = (1 + Sketch.ALPHA) / (1 - Sketch.ALPHA);
  private static readonly LN_GAMMA = Math.log(Sketch.GAMMA);
  private static readonly OFFSET = Math.ceil(Math.log(Sketch.MIN_VALUE) / Sketch.LN_GAMMA);
  private static readonly BINS = Math.ceil(Math.log(Sketch.MAX_VALUE) / Sketch.LN_GAMMA) - Sketch.OFFSET + 1;

  private readonly bins = new Float64Array(Sketch.BINS);
  private zeros = 0;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  add(v: number): void {
    if (!(v >= 0)) return;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (v <= Sketch.MIN_VALUE) {
      this.zeros++;
      return;
    }
    let i = Math.ceil(Math.log(v) / Sketch.LN_GAMMA) - Sketch.OFFSET;
    if (i >= Sketch.BINS) i = Sketch.BINS - 1;
    this.bins[i]!++;
  }

  /** Mean of the values added; NaN when empty. */
  mean(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count;
  }

  /** The q-quantile (0 ≤ q ≤ 1) within relative error α; NaN when empty; exact at q = 0 and q = 1. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = q * (this.count - 1);
    let cum = this.zeros;
    if (cum > rank) return 0;
    for (let i = 0; i < Sketch.BINS; i++) {
      cum += this.bins[i]!;
      if (cum > rank) {
        const v = (2 * Sketch.GAMMA ** (i + Sketch.OFFSET)) / (Sketch.GAMMA + 1);
        return Math.min(this.max, Math.max(this.min, v));
      }
    }
    return this.max;
  }

  /** Share of values ≤ x (within the bin resolution); NaN when empty. */
  fractionAtMost(x: number): number {
    if (this.count === 0) return Number.NaN;
    if (x >= this.max) return 1;
    let cum = this.zeros;
    if (x <= Sketch.MIN_VALUE) return cum / this.count;
    const last = Math.floor(Math.log(x) / Sketch.LN_GAMMA) - Sketch.OFFSET;
    for (let i = 0; i <= last && i < Sketch.BINS; i++) cum += this.bins[i]!;
    return cum / this.count;
  }
}
