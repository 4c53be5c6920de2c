/**
 * A bank of scalar filters, each learning one positive multiplicative factor ("this node decodes at
 * 0.7× the catalog's speed") from noisy ratios observed / predicted. Units: factors are dimensionless,
 * time is in ms.
 *
 * Each filter tracks the natural log of its factor as a random walk observed with noise — a one-state
 * Kalman filter:
 *
 *   - between observations the log-factor may drift, so its variance grows by `driftPerSecond` per
 *     second of silence (this is the forgetting rate: after a quiet minute the filter trusts its old
 *     value less and the next observations move it faster);
 *   - an observation y = ln(observed / predicted) with variance `noise` updates the mean by the gain
 *     k = v / (v + noise) and shrinks the variance to (1 − k)·v;
 *   - the innovation (y − mean) is clipped at `clip` standard deviations of its own spread, so one wild
 *     sample (a GC pause, a measurement glitch) moves the estimate by a bounded step;
 *   - a real change (a straggler episode starting or ending) keeps producing large innovations of one
 *     sign: at the second such sample in a row the filter treats it as a change of regime, widens its
 *     variance back to `maxVariance` and takes the sample unclipped, so it follows within a few samples;
 *   - a filter silent for longer than `holdS` returns towards the prior: its log-factor shrinks by
 *     e^(−t / releaseS) for the t seconds of silence beyond `holdS`. A node learned slow gets no traffic,
 *     hence no evidence that its episode ended; this is what releases it (its next requests then say
 *     whether it is still slow). A filter fed more often than every `holdS` is not biased by it.
 *
 * Every filter starts at the prior: log-factor 0 (the catalog is right) with variance `priorVariance`.
 * State is three typed arrays; `observe` and `factor` allocate nothing.
 */
export interface FactorFilterOptions {
  /** Variance of the log-factor before any evidence (default 0.25: the catalog within ×/÷ 1.65 at 1σ). */
  priorVariance?: number;
  /** Variance of one observation's log-ratio (default 0.01: a single sample is within ±10% at 1σ). */
  noise?: number;
  /**
   * Variance added to the log-factor per second (default 1e-4: a drift of ±1% in √s, ±10% over 100 s
   * of silence). Sudden changes are caught by the regime-change rule, not by this.
   */
  driftPerSecond?: number;
  /** Innovations beyond this many standard deviations are clipped (default 3). */
  clip?: number;
  /** The variance never exceeds this (default: `priorVariance`), so a long silence returns to the prior's spread. */
  maxVariance?: number;
  /** Silence (s) after which the learned factor starts returning to the prior (default 60). */
  holdS?: number;
  /** Time constant (s) of that return (default 60: a factor of 4 is 1.67 a minute after the hold, 1.21 two minutes after); 0 never returns. */
  releaseS?: number;
}

export interface FactorFilterSettings {
  readonly priorVariance: number;
  readonly noise: number;
  readonly driftPerSecond: number;
  readonly clip: number;
  readonly maxVariance: number;
  readonly holdS: number;
  readonly releaseS: number;
}

/** The defaults, with overrides applied and checked (a negative or non-finite setting is a RangeError). */
export function factorFilterSettings(options: FactorFilterOptions = {}): FactorFilterSettings {
  const priorVariance = options.priorVariance ?? 0.25;
  const s: FactorFilterSettings = {
    priorVariance,
    noise: options.noise ?? 0.01,
    driftPerSecond: options.driftPerSecond ?? 1e-4,
    clip: options.clip ?? 3,
    maxVariance: options.maxVariance ?? priorVariance,
    holdS: options.holdS ?? 60,
    releaseS: options.releaseS ?? 60,
  };
  for (const [name, value] of Object.entries(s)) {
    if (!(value >= 0) || !Number.isFinite(value))
      throw new RangeError(`factor filter: ${name} must be a finite number ≥ 0 (got ${value})`);
  }
  if (s.noise === 0 && s.priorVariance === 0)
    throw new RangeError('factor filter: noise and priorVariance cannot both be 0');
  return s;
}

export class FactorFilters {
  readonly size: number;
  readonly settings: FactorFilterSettings;
  private readonly mean: Float64Array;
  private readonly variance: Float64Array;
  private readonly lastMs: Float64Array;
  private readonly count: Uint32Array;
  /** Signed run of clipped innovations: +n after n too-high samples in a row, −n after too-low ones. */
  private readonly surprise: Int8Array;

  constructor(size: number, options: FactorFilterOptions = {}) {
    if (!Number.isInteger(size) || size < 0)
      throw new RangeError(`factor filter: size must be an integer ≥ 0 (got ${size})`);
    this.size = size;
    this.settings = factorFilterSettings(options);
    this.mean = new Float64Array(size);
    this.variance = new Float64Array(size).fill(this.settings.priorVariance);
    this.lastMs = new Float64Array(size).fill(Number.NaN);
    this.count = new Uint32Array(size);
    this.surprise = new Int8Array(size);
  }

  /** Variance of filter `i`'s log-factor at time `nowMs`, drift since its last observation included. */
  logVariance(i: number, nowMs: number): number {
    const v = this.variance[i]!;
    const last = this.lastMs[i]!;
    if (!(nowMs > last)) return v;
    const grown = v + (this.settings.driftPerSecond * (nowMs - last)) / 1000;
    return grown < this.settings.maxVariance ? grown : Math.max(v, this.settings.maxVariance);
  }

  /** The learned factor of filter `i` as of its last observation (1 before any evidence). */
  factor(i: number): number {
    return Math.exp(this.mean[i]!);
  }

  /** Learned log-factor of filter `i` at `nowMs`: after `holdS` of silence it returns towards 0. */
  logFactorAt(i: number, nowMs: number): number {
    const m = this.mean[i]!;
    const { holdS, releaseS } = this.settings;
    const silentS = (nowMs - this.lastMs[i]!) / 1000 - holdS;
    if (!(silentS > 0) || releaseS === 0) return m;
    return m * Math.exp(-silentS / releaseS);
  }

  /** The learned factor of filter `i` at `nowMs` (`logFactorAt`). */
  factorAt(i: number, nowMs: number): number {
    return Math.exp(this.logFactorAt(i, nowMs));
  }

  /** Learned log-factor of filter `i`. */
  logFactor(i: number): number {
    return this.mean[i]!;
  }

  /**
   * Relative one-sigma spread of the factor at `nowMs` (≈ the standard deviation of the log-factor, a
   * good approximation of the relative error while it is small).
   */
  relativeSpread(i: number, nowMs: number): number {
    return Math.sqrt(this.logVariance(i, nowMs));
  }

  /** Number of observations filter `i` has taken. */
  samples(i: number): number {
    return this.count[i]!;
  }

  /**
   * Takes one observation for filter `i`: `observed` and `predicted` are the same quantity (ms, or GB/s,
   * as long as both agree), the prediction made with factor 1. Non-positive or non-finite values are
   * ignored. `noiseScale` multiplies the observation noise (e.g. > 1 for a short request whose timing is
   * dominated by jitter). A `secondHand` observation (what a node says about itself) is always clipped and
   * never starts a change of regime: it refines the estimate, only first-hand evidence can overturn it.
   */
  observe(
    i: number,
    observed: number,
    predicted: number,
    nowMs: number,
    noiseScale = 1,
    secondHand = false,
  ): void {
    if (!(observed > 0) || !(predicted > 0) || !Number.isFinite(observed) || !Number.isFinite(predicted))
      return;
    const y = Math.log(observed / predicted);
    let v = this.logVariance(i, nowMs);
    this.mean[i] = this.logFactorAt(i, nowMs);
    const r = this.settings.noise * (noiseScale > 0 ? noiseScale : 1);
    let innovation = y - this.mean[i]!;
    const bound = this.settings.clip * Math.sqrt(v + r);
    const run = this.surprise[i]!;
    if (secondHand) innovation = Math.max(-bound, Math.min(bound, innovation));
    else if (innovation > bound) {
      this.surprise[i] = run > 0 ? Math.min(run + 1, 100) : 1;
      if (run > 0) v = Math.max(v, this.settings.maxVariance);
      else innovation = bound;
    } else if (innovation < -bound) {
      this.surprise[i] = run < 0 ? Math.max(run - 1, -100) : -1;
      if (run < 0) v = Math.max(v, this.settings.maxVariance);
      else innovation = -bound;
    } else this.surprise[i] = 0;
    const k = v + r > 0 ? v / (v + r) : 0;
    this.mean[i] = this.mean[i]! + k * innovation;
    this.variance[i] = (1 - k) * v;
    if (nowMs > this.lastMs[i]! || Number.isNaN(this.lastMs[i]!)) this.lastMs[i] = nowMs;
    this.count[i] = this.count[i]! + 1;
  }

  /** Filter `i` takes over everything filter `j` of `from` learned (a rebuilt index keeps its history). */
  copyFrom(i: number, from: FactorFilters, j: number): void {
    this.mean[i] = from.mean[j]!;
    this.variance[i] = from.variance[j]!;
    this.lastMs[i] = from.lastMs[j]!;
    this.count[i] = from.count[j]!;
    this.surprise[i] = from.surprise[j]!;
  }

  /** Forgets everything filter `i` learned: back to the prior. */
  reset(i: number): void {
    this.mean[i] = 0;
    this.variance[i] = this.settings.priorVariance;
    this.lastMs[i] = Number.NaN;
    this.count[i] = 0;
    this.surprise[i] = 0;
  }
}
