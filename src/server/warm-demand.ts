import { fitHoltWinters, forecastHoltWinters } from '../demand/holt-winters.js';
import { daySeason } from '../demand/report.js';
import type { RegistryStore } from '../store/registry-store.js';
import type { ModelDemand } from './warm-input.js';

/**
 * Demand per model as the warm-set controller sees it: the store's demand buckets summed into buckets of
 * `bucketMs`, kept for `historyMs`, per model (over places) and per place and model, and forecast over
 * the horizon; the places' forecasts split each model's (`splitByPlace`). The first refresh reads the
 * whole history; later ones read only from the last complete bucket on (coordinators sharing the store add
 * to recent buckets late), so a period costs what arrived since the last, not the history again.
 */

interface Counts {
  requests: number;
  tokens: number;
}

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;

export class ModelDemandWindow {
  /** Bucket start → `placeKey(place, model)` → counts. */
  private readonly buckets = new Map<number, Map<string, Counts>>();
  private readFrom: number | undefined;

  constructor(
    private readonly store: RegistryStore,
    /** The store's bucket length (the demand log's). */
    private readonly baseMs: number,
    readonly bucketMs: number,
    private readonly historyMs: number,
  ) {}

  /** Reads what the store gained since the last refresh (everything in the history the first time). */
  async refresh(now: number): Promise<void> {
    const oldest = floorTo(now - this.historyMs, this.bucketMs);
    const from = Math.max(this.readFrom ?? oldest, oldest);
    const rows = await this.store.listDemand(this.baseMs, from);
    for (const start of this.buckets.keys()) if (start >= from || start < oldest) this.buckets.delete(start);
    for (const r of rows) {
      const start = floorTo(r.startMs, this.bucketMs);
      let byKey = this.buckets.get(start);
      if (byKey === undefined) this.buckets.set(start, (byKey = new Map()));
      const key = placeKey(r.place, r.model);
      const c = byKey.get(key);
      if (c === undefined) byKey.set(key, { requests: r.requests, tokens: r.tokens });
      else {
        c.requests += r.requests;
        c.tokens += r.tokens;
      }
    }
    this.readFrom = floorTo(now, this.bucketMs) - this.bucketMs;
  }

  /**
   * Per model: requests per complete bucket from the first bucket with demand up to the one before `now`,
   * and the mean tokens per request over them.
   */
  series(now: number): Map<string, DemandSeries> {
    return this.seriesBy(now, (key) => key.slice(key.indexOf('\n') + 1));
  }

  /** The same per place and model, keyed by `placeKey(place, model)`, over the same buckets. */
  placeSeries(now: number): Map<string, DemandSeries> {
    return this.seriesBy(now, (key) => key);
  }

  private seriesBy(now: number, keyOf: (key: string) => string): Map<string, DemandSeries> {
    const end = floorTo(now, this.bucketMs);
    const starts = [...this.buckets.keys()].filter((s) => s < end);
    const out = new Map<string, DemandSeries>();
    if (starts.length === 0) return out;
    const origin = Math.min(...starts);
    const n = (end - origin) / this.bucketMs;
    const tokens = new Map<string, number>();
    for (const s of starts) {
      for (const [key, c] of this.buckets.get(s)!) {
        const k = keyOf(key);
        let e = out.get(k);
        if (e === undefined) out.set(k, (e = { requests: new Float64Array(n), tokensPerRequest: 0 }));
        e.requests[(s - origin) / this.bucketMs]! += c.requests;
        tokens.set(k, (tokens.get(k) ?? 0) + c.tokens);
      }
    }
    for (const [k, e] of out) {
      const requests = e.requests.reduce((a, b) => a + b, 0);
      e.tokensPerRequest = requests > 0 ? tokens.get(k)! / requests : 0;
    }
    return out;
  }
}

/** Requests per bucket of one series, and its mean tokens per request. */
export interface DemandSeries {
  requests: Float64Array;
  tokensPerRequest: number;
}

/** The key of a (place, model) series: a place (a metro id, or `unknown`) never holds a newline. */
export function placeKey(place: string, model: string): string {
  return `${place}\n${model}`;
}

/**
 * Each model's forecast rate split over the places its requests come from, in proportion to the places'
 * own forecasts (`byPlace`, keyed by `placeKey`): model → place → requests/s. A model no place has a
 * positive forecast for is left out (the planner then ignores place for it).
 */
export function splitByPlace(
  total: ReadonlyMap<string, ModelDemand>,
  byPlace: ReadonlyMap<string, ModelDemand>,
): Map<string, Map<string, number>> {
  const parts = new Map<string, Map<string, number>>();
  for (const [key, d] of byPlace) {
    if (!(d.rps > 0)) continue;
    const cut = key.indexOf('\n');
    const model = key.slice(cut + 1);
    if (!total.has(model)) continue;
    let places = parts.get(model);
    if (places === undefined) parts.set(model, (places = new Map()));
    places.set(key.slice(0, cut), d.rps);
  }
  for (const [model, places] of parts) {
    const sum = [...places.values()].reduce((a, b) => a + b, 0);
    const rps = total.get(model)!.rps;
    for (const [place, r] of places) places.set(place, (rps * r) / sum);
  }
  return parts;
}

/**
 * Forecast arrival rate per model over the next `horizonMs`: the mean of the upper bounds of the
 * damped Holt-Winters forecast at `coverage` (daily season when a day is a whole number of buckets and
 * two days are seen), in requests/s. Planning on the upper bound loads ahead of a rise the point forecast
 * would see one bucket late.
 */
export function forecastModelDemand(
  series: ReadonlyMap<string, DemandSeries>,
  bucketMs: number,
  horizonMs: number,
  coverage: number,
): Map<string, ModelDemand> {
  const h = Math.max(1, Math.ceil(horizonMs / bucketMs));
  const season = daySeason(bucketMs);
  const out = new Map<string, ModelDemand>();
  for (const [model, s] of series) {
    const f = forecastHoltWinters(fitHoltWinters(s.requests, season, h), h, coverage);
    const perBucket = f.upper.reduce((a, b) => a + b, 0) / h;
    out.set(model, { rps: perBucket / (bucketMs / 1000), tokensPerRequest: s.tokensPerRequest });
  }
  return out;
}
