/**
 * Demand observed, as time series per (place, model): requests, tokens (input + output) and unmet
 * requests (shed, lost or with no node) per bucket of `bucketMs`. The coordinator records every served
 * or refused request here and the simulator records its arrivals the same way, so both produce the
 * same series. Buckets are counted from `originMs` (a bucket's start is originMs + k·bucketMs); a series
 * grows as time goes on and is stored densely.
 */
export interface DemandSample {
  readonly requests: number;
  readonly tokens: number;
  readonly unmet: number;
}

export interface DemandSeriesJson {
  readonly place: string;
  readonly model: string;
  readonly requests: number[];
  readonly tokens: number[];
  readonly unmet: number[];
}

export interface DemandJson {
  readonly bucketMs: number;
  readonly originMs: number;
  readonly series: DemandSeriesJson[];
}

interface Columns {
  requests: number[];
  tokens: number[];
  unmet: number[];
}

const SEP = '\u0000';

/**
 * Most buckets one demand series may span when it is built from raw timestamps (`meridian demand
 * --trace`): 1,000,000, about 116 days of 10 s buckets, where the Azure traces (an hour to a week) need
 * at most 60,481. Fitting and reporting that many takes under 2 s and about 140 MB; a span that needs more
 * is refused, with a larger bucket suggested, instead of allocating without bound.
 */
export const MAX_DEMAND_BUCKETS = 1_000_000;

/** Buckets of `bucketMs` that a series from offset 0 to `lastMs` (both ms, lastMs ≥ 0) occupies. */
export function bucketsSpanned(lastMs: number, bucketMs: number): number {
  return Math.floor(lastMs / bucketMs) + 1;
}

/** The smallest whole number of seconds per bucket that keeps a span of `lastMs` within `maxBuckets`. */
export function smallestBucketS(lastMs: number, maxBuckets: number): number {
  let s = Math.max(1, Math.floor(lastMs / (maxBuckets * 1000)));
  while (bucketsSpanned(lastMs, s * 1000) > maxBuckets) s++;
  return s;
}

export class DemandRecorder {
  readonly bucketMs: number;
  readonly originMs: number;
  private readonly byKey = new Map<string, Columns>();
  /** Buckets every series is padded to (the latest bucket recorded anywhere, plus one). */
  private length = 0;

  constructor(bucketMs: number, originMs = 0) {
    if (!(bucketMs > 0) || !Number.isFinite(bucketMs))
      throw new RangeError(`demand: bucketMs must be a positive number (got ${bucketMs})`);
    this.bucketMs = bucketMs;
    this.originMs = originMs;
  }

  /** Adds one request (or `sample` worth of them) at time `tMs` for (place, model). Times before the origin are ignored. */
  record(place: string, model: string, tMs: number, sample: DemandSample): void {
    const k = Math.floor((tMs - this.originMs) / this.bucketMs);
    if (!(k >= 0)) return;
    const key = place + SEP + model;
    let c = this.byKey.get(key);
    if (c === undefined) {
      c = { requests: [], tokens: [], unmet: [] };
      this.byKey.set(key, c);
    }
    while (c.requests.length <= k) {
      c.requests.push(0);
      c.tokens.push(0);
      c.unmet.push(0);
    }
    c.requests[k] = c.requests[k]! + sample.requests;
    c.tokens[k] = c.tokens[k]! + sample.tokens;
    c.unmet[k] = c.unmet[k]! + sample.unmet;
    if (k + 1 > this.length) this.length = k + 1;
  }

  /** Every series, padded with zeros to the same length, sorted by place then model. */
  toJSON(): DemandJson {
    const series: DemandSeriesJson[] = [];
    const pad = (a: number[]) => a.concat(new Array(this.length - a.length).fill(0));
    for (const [key, c] of this.byKey) {
      const [place, model] = key.split(SEP) as [string, string];
      series.push({ place, model, requests: pad(c.requests), tokens: pad(c.tokens), unmet: pad(c.unmet) });
    }
    series.sort((a, b) =>
      a.place < b.place ? -1 : a.place > b.place ? 1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0,
    );
    return { bucketMs: this.bucketMs, originMs: this.originMs, series };
  }
}

/** Sums series over a grouping of their places (e.g. metro → region); places the map lacks keep their name. */
export function regroup(json: DemandJson, placeOf: (place: string) => string): DemandJson {
  const rec = new Map<string, DemandSeriesJson>();
  for (const s of json.series) {
    const place = placeOf(s.place);
    const key = place + SEP + s.model;
    const prev = rec.get(key);
    if (prev === undefined)
      rec.set(key, { ...s, place, requests: [...s.requests], tokens: [...s.tokens], unmet: [...s.unmet] });
    else
      for (let k = 0; k < s.requests.length; k++) {
        prev.requests[k] = prev.requests[k]! + s.requests[k]!;
        prev.tokens[k] = prev.tokens[k]! + s.tokens[k]!;
        prev.unmet[k] = prev.unmet[k]! + s.unmet[k]!;
      }
  }
  const series = [...rec.values()].sort((a, b) =>
    a.place < b.place ? -1 : a.place > b.place ? 1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0,
  );
  return { ...json, series };
}
