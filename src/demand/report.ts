import { type Growth, growth, MAX_EXTRAPOLATION, rankGrowth } from './growth.js';
import { fitHoltWinters, forecastHoltWinters } from './holt-winters.js';
import type { DemandJson, DemandSeriesJson } from './series.js';

/**
 * What `meridian demand` shows for a set of demand series: per series its totals, the last bucket and
 * the Holt-Winters forecast `horizon` buckets ahead with an 80% interval; and the growth report, the
 * series ranked by how surely and how fast they grow (see growth.ts).
 */

export const DAY_MS = 86_400_000;

/** Most buckets a forecast reaches ahead (`--horizon`, and the default of one season is cut to it). */
export const MAX_HORIZON = 10_000;

export interface SeriesReport {
  readonly place: string;
  readonly model: string;
  readonly buckets: number;
  readonly requests: number;
  readonly tokens: number;
  readonly unmet: number;
  /** Requests in the last bucket. */
  readonly last: number;
  /** Forecast requests per bucket, 1 … horizon buckets ahead, with the 80% interval. */
  readonly forecast: { mean: number[]; lower: number[]; upper: number[] };
  readonly growth: Growth | null;
}

export interface DemandReport {
  readonly bucketMs: number;
  readonly originMs: number;
  /** Buckets per day used as the season (1: no seasonality). */
  readonly season: number;
  readonly horizon: number;
  readonly series: SeriesReport[];
  /** Series with a growth estimate, most surely growing first. */
  readonly ranked: Array<{ place: string; model: string; growth: Growth }>;
}

/** Buckets per day when a day is a whole number of buckets, else 1. */
export function daySeason(bucketMs: number): number {
  const m = DAY_MS / bucketMs;
  return Number.isInteger(m) && m >= 1 ? m : 1;
}

/**
 * Merges each run of `factor` buckets into one (bucketMs × factor); a trailing partial bucket is kept
 * (it counts what it saw). `factor` must be a whole number ≥ 1.
 */
export function rebucket(json: DemandJson, factor: number): DemandJson {
  if (!Number.isInteger(factor) || factor < 1)
    throw new RangeError(`demand: rebucket factor must be a whole number ≥ 1 (got ${factor})`);
  if (factor === 1) return json;
  const merge = (a: readonly number[]) => {
    const out = new Array<number>(Math.ceil(a.length / factor)).fill(0);
    a.forEach((x, k) => {
      const i = Math.floor(k / factor);
      out[i] = out[i]! + x;
    });
    return out;
  };
  return {
    bucketMs: json.bucketMs * factor,
    originMs: json.originMs,
    series: json.series.map((s) => ({
      ...s,
      requests: merge(s.requests),
      tokens: merge(s.tokens),
      unmet: merge(s.unmet),
    })),
  };
}

const sum = (a: readonly number[]) => a.reduce((s, x) => s + x, 0);

function seriesReport(s: DemandSeriesJson, bucketMs: number, season: number, horizon: number): SeriesReport {
  const f = forecastHoltWinters(fitHoltWinters(s.requests, season, horizon), horizon, 0.8);
  const g = growth(s.requests, bucketMs, season);
  return {
    place: s.place,
    model: s.model,
    buckets: s.requests.length,
    requests: sum(s.requests),
    tokens: sum(s.tokens),
    unmet: sum(s.unmet),
    last: s.requests.at(-1) ?? 0,
    forecast: { mean: [...f.mean], lower: [...f.lower], upper: [...f.upper] },
    growth: g ?? null,
  };
}

/**
 * The report of every series; `season` defaults to a day's buckets and `horizon` to one season, but no
 * more than a third of the longest series (MAX_EXTRAPOLATION: an hour of data is not forecast a day
 * ahead), at least 1 and at most MAX_HORIZON. A series shorter than two seasons is forecast without a
 * season (see fitHoltWinters).
 */
export function demandReport(
  json: DemandJson,
  opts: { season?: number; horizon?: number } = {},
): DemandReport {
  const season = opts.season ?? daySeason(json.bucketMs);
  let longest = 0;
  for (const s of json.series) longest = Math.max(longest, s.requests.length);
  const supported = Math.floor(longest / MAX_EXTRAPOLATION);
  const horizon = opts.horizon ?? Math.min(MAX_HORIZON, Math.max(1, Math.min(season, supported)));
  const series = json.series.map((s) => seriesReport(s, json.bucketMs, season, horizon));
  const ranked = rankGrowth(series.map((s) => ({ key: s, growth: s.growth ?? undefined }))).map((r) => ({
    place: r.key.place,
    model: r.key.model,
    growth: r.growth,
  }));
  return { bucketMs: json.bucketMs, originMs: json.originMs, season, horizon, series, ranked };
}

const signed = (x: number) => `${x >= 0 ? '+' : ''}${Math.round(x * 100)}%`;

/**
 * "llama-3.1-8b in sao-paulo +38% week over week (80% interval +20%…+58%, confidence 97%)"; "hour over
 * hour" and so on for a series too short to state a weekly rate (`Growth.per`).
 */
export function growthLine(r: { place: string; model: string; growth: Growth }): string {
  const g = r.growth;
  return `${r.model} in ${r.place} ${signed(g.rate)} ${g.per} over ${g.per} (80% interval ${signed(g.low)}…${signed(g.high)}, confidence ${Math.round(g.confidence * 100)}%)`;
}
