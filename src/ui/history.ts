import type { HistogramSnapshot } from '../server/metrics.js';

/**
 * The dashboard's small time series, sampled every `periodMs` on the coordinator and kept for the last
 * `capacity` periods: the gateway's prediction error (from the `meridian_prediction_error_ratio`
 * histogram, per period: requests, mean, median and p90 of |estimate − realized| / realized) and, when the
 * nodes carry a trust verdict, how many are quarantined and their mean trust score. A ratio of 0.25 is an
 * estimate 25% off the realized completion time.
 */
export interface ErrorPoint {
  /** End of the period, ms since the epoch. */
  readonly at: number;
  /** Requests with an estimate that finished in the period. */
  readonly requests: number;
  /** null when no request finished in the period. */
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
}

export interface TrustPoint {
  readonly at: number;
  /** Nodes with a trust verdict. */
  readonly nodes: number;
  readonly quarantined: number;
  readonly meanScore: number;
}

/**
 * Quantile `q` of observations counted per bucket (`counts[i]` in (bounds[i−1], bounds[i]], the first from
 * 0, `above` beyond the last bound), interpolated linearly inside the bucket as Prometheus'
 * `histogram_quantile` does; a quantile beyond the last bound is the last bound. null without observations.
 */
export function bucketQuantile(
  counts: readonly number[],
  above: number,
  bounds: readonly number[],
  q: number,
): number | null {
  const total = counts.reduce((s, x) => s + x, 0) + above;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0 && seen + c >= rank) {
      const lo = i === 0 ? 0 : bounds[i - 1]!;
      return lo + (bounds[i]! - lo) * ((rank - seen) / c);
    }
    seen += c;
  }
  return bounds.at(-1) ?? null;
}

/** The prediction error of the requests observed between two snapshots of the histogram. */
export function errorPoint(
  before: HistogramSnapshot,
  after: HistogramSnapshot,
  bounds: readonly number[],
  at: number,
): ErrorPoint {
  const counts = after.counts.map((c, i) => c - (before.counts[i] ?? 0));
  const above = after.above - before.above;
  const requests = after.count - before.count;
  return {
    at,
    requests,
    mean: requests > 0 ? (after.sum - before.sum) / requests : null,
    p50: bucketQuantile(counts, above, bounds, 0.5),
    p90: bucketQuantile(counts, above, bounds, 0.9),
  };
}

/** How many of the nodes with a trust verdict are quarantined, and their mean score; undefined when none has one. */
export function trustPoint(
  verdicts: readonly ({ quarantined: boolean; score: number } | undefined)[],
  at: number,
): TrustPoint | undefined {
  const known = verdicts.filter((v) => v !== undefined);
  if (known.length === 0) return undefined;
  return {
    at,
    nodes: known.length,
    quarantined: known.filter((v) => v.quarantined).length,
    meanScore: known.reduce((s, v) => s + v.score, 0) / known.length,
  };
}

/** A bounded series, oldest first. */
export class Series<T> {
  private readonly points: T[] = [];

  constructor(private readonly capacity: number) {}

  push(p: T): void {
    this.points.push(p);
    if (this.points.length > this.capacity) this.points.splice(0, this.points.length - this.capacity);
  }

  list(): readonly T[] {
    return this.points;
  }
}
