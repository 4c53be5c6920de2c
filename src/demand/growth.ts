import { normalQuantile } from './holt-winters.js';

/**
 * How fast a demand series grows, with confidence. The series is summed into whole periods (days, when
 * `season` buckets make a day) so the daily cycle cancels out, then ln(1 + period total) is fitted
 * against the period index by least squares. The slope b is the growth per period in log terms; growth
 * per week is e^(7·b·periodsPerDay) − 1. The interval comes from the slope's standard error; the
 * confidence that the series is growing is Φ(b / se). With fewer than two whole periods the buckets
 * themselves are used (the daily cycle then adds noise, which the wider interval shows).
 */
export interface Growth {
  /** Relative growth per week (0.38 = +38% week over week). */
  readonly perWeek: number;
  /** 80% interval of `perWeek`. */
  readonly low: number;
  readonly high: number;
  /** Probability that the series is growing (slope > 0), from the slope's standard error. */
  readonly confidence: number;
  /** Periods (or buckets) the slope was fitted on. */
  readonly points: number;
}

/** Φ(x), the standard normal CDF (Abramowitz–Stegun 7.1.26 erf approximation, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Growth of `y` (counts per bucket of `bucketMs`), with `season` buckets per day. Undefined with fewer
 * than three points to fit (no slope and spread can be told apart).
 */
export function growth(y: ArrayLike<number>, bucketMs: number, season: number): Growth | undefined {
  const whole = Math.floor(y.length / season);
  const usePeriods = season > 1 && whole >= 3;
  const points = usePeriods ? whole : y.length;
  if (points < 3) return undefined;
  const periodMs = usePeriods ? bucketMs * season : bucketMs;
  const v = new Float64Array(points);
  if (usePeriods) {
    // Whole days counted back from the end, so the most recent day is complete.
    const offset = y.length - whole * season;
    for (let k = 0; k < whole * season; k++) {
      const p = Math.floor(k / season);
      v[p] = v[p]! + y[offset + k]!;
    }
  } else for (let k = 0; k < points; k++) v[k] = y[k]!;
  let mx = 0;
  let my = 0;
  for (let k = 0; k < points; k++) {
    mx += k;
    my += Math.log1p(v[k]!);
  }
  mx /= points;
  my /= points;
  let sxx = 0;
  let sxy = 0;
  for (let k = 0; k < points; k++) {
    sxx += (k - mx) ** 2;
    sxy += (k - mx) * (Math.log1p(v[k]!) - my);
  }
  const slope = sxy / sxx;
  let sse = 0;
  for (let k = 0; k < points; k++) sse += (Math.log1p(v[k]!) - my - slope * (k - mx)) ** 2;
  const se = Math.sqrt(sse / Math.max(points - 2, 1) / sxx);
  const perWeekScale = (7 * 86_400_000) / periodMs;
  const z = normalQuantile(0.8);
  const toWeek = (b: number) => Math.expm1(b * perWeekScale);
  return {
    perWeek: toWeek(slope),
    low: toWeek(slope - z * se),
    high: toWeek(slope + z * se),
    confidence: se > 0 ? normalCdf(slope / se) : slope > 0 ? 1 : slope < 0 ? 0 : 0.5,
    points,
  };
}

/** A series' name and its growth, for ranking. */
export interface RankedGrowth<K> {
  readonly key: K;
  readonly growth: Growth;
}

/**
 * Ranks series by the low end of their growth interval, so a series that is surely growing a little
 * ranks above one that might be growing a lot or not at all. Series without a growth estimate are left out.
 */
export function rankGrowth<K>(series: Iterable<{ key: K; growth: Growth | undefined }>): RankedGrowth<K>[] {
  const out: RankedGrowth<K>[] = [];
  for (const s of series) if (s.growth !== undefined) out.push({ key: s.key, growth: s.growth });
  return out.sort((a, b) => b.growth.low - a.growth.low);
}
