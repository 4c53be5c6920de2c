import type { Growth } from '../demand/growth.js';
import { demandReport } from '../demand/report.js';
import type { DemandJson } from '../demand/series.js';

/**
 * The dashboard's demand panel, from the coordinator's demand series (what `GET /v1/demand` returns) and
 * the forecast and growth code of `meridian demand` (src/demand/report.ts): per (region, model), requests
 * in the last `points` buckets, the forecast `horizon` buckets ahead with its 80% interval, and the growth
 * (per week, or per day, hour or minute when the series is too short: `Growth.per`); the busiest `limit`
 * series, and the growth ranking (most surely growing first).
 */
export interface UiDemandSeries {
  readonly place: string;
  readonly model: string;
  /** Requests in all buckets of the window. */
  readonly requests: number;
  /** Start of `recent[0]`, ms since the epoch. */
  readonly startMs: number;
  /** Requests per bucket, the last `points` buckets. */
  readonly recent: readonly number[];
  readonly forecast: { readonly mean: number[]; readonly lower: number[]; readonly upper: number[] };
  readonly growth: Growth | null;
}

export interface UiDemand {
  readonly bucketMs: number;
  readonly horizon: number;
  readonly series: readonly UiDemandSeries[];
  readonly ranked: readonly { readonly place: string; readonly model: string; readonly growth: Growth }[];
}

export function uiDemand(
  json: DemandJson,
  opts: { points: number; horizon: number; limit: number },
): UiDemand {
  const report = demandReport(json, { horizon: opts.horizon });
  const series = report.series
    .map((s, k) => {
      const all = json.series[k]!.requests;
      const from = Math.max(0, all.length - opts.points);
      return {
        place: s.place,
        model: s.model,
        requests: s.requests,
        startMs: json.originMs + from * json.bucketMs,
        recent: all.slice(from),
        forecast: s.forecast,
        growth: s.growth,
      };
    })
    .sort((a, b) => b.requests - a.requests || (a.place + a.model < b.place + b.model ? -1 : 1))
    .slice(0, opts.limit);
  return {
    bucketMs: json.bucketMs,
    horizon: report.horizon,
    series,
    ranked: report.ranked.slice(0, opts.limit),
  };
}
