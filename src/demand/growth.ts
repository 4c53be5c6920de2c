import { normalQuantile } from './holt-winters.js';

/**
 * How fast a demand series grows, with confidence. The series is summed into whole periods (days, when
 * `season` buckets make a day) so the daily cycle cancels out, then ln(1 + period total) is fitted
 * against the period index by least squares. The slope b is the growth per period in log terms; growth
 * per unit of time u is e^(b·u/period) − 1. The interval comes from the slope's standard error; the
 * confidence that the series is growing is Φ(b / se). With fewer than three whole periods the buckets
 * themselves are used (the daily cycle then adds noise, which the wider interval shows).
 *
 * The unit is the longest of week, day, hour and minute that is at most three times the time the fitted
 * points span (a minute when even that is longer), so a rate is never stated for a span much longer than
 * the data: an hour of buckets says "per hour", not a week extrapolated 168-fold (where a slope of noise
 * becomes −100% or +10⁶%).
 */
export interface Growth {
  /** Relative growth per `per` (0.38 per week = +38% week over week). */
  readonly rate: number;
  /** 80% interval of `rate`. */
  readonly low: number;
  readonly high: number;
  /** The span the rate is stated per. */
  readonly per: GrowthUnit;
  /** Probability that the series is growing (slope > 0), from the slope's standard error. */
  readonly confidence: number;
  /** Periods (or buckets) the slope was fitted on. */
  readonly points: number;
}

/** The spans a rate may be stated per, longest first, with their length in ms. */
export const GROWTH_UNITS = [
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
] as const;

export type GrowthUnit = (typeof GROWTH_UNITS)[number][0];

/** How many times the fitted span a rate's unit may be: a rate is extrapolated 3-fold at most. */
export const MAX_EXTRAPOLATION = 3;

/** Length of `unit` in ms. */
export function unitMs(unit: GrowthUnit): number {
  return GROWTH_UNITS.find(([u]) => u === unit)![1];
}

/** The longest unit at most MAX_EXTRAPOLATION × `spanMs`, or a minute. */
export function growthUnit(spanMs: number): GrowthUnit {
  for (const [unit, ms] of GROWTH_UNITS) if (ms <= MAX_EXTRAPOLATION * spanMs) return unit;
  return 'minute';
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
  const per = growthUnit(points * periodMs);
  const scale = unitMs(per) / periodMs;
  const z = normalQuantile(0.8);
  const toUnit = (b: number) => Math.expm1(b * scale);
  return {
    rate: toUnit(slope),
    low: toUnit(slope - z * se),
    high: toUnit(slope + z * se),
    per,
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
 * Rates stated per different units are compared per ms in log terms (+10% an hour is more than +50% a week).
 */
export function rankGrowth<K>(series: Iterable<{ key: K; growth: Growth | undefined }>): RankedGrowth<K>[] {
  const out: RankedGrowth<K>[] = [];
  for (const s of series) if (s.growth !== undefined) out.push({ key: s.key, growth: s.growth });
  const lowPerMs = (g: Growth) => Math.log1p(g.low) / unitMs(g.per);
  return out.sort((a, b) => lowPerMs(b.growth) - lowPerMs(a.growth));
}
