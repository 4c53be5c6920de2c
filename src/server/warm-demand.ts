import { fitHoltWinters, forecastHoltWinters } from '../demand/holt-winters.js';
import { daySeason } from '../demand/report.js';
import type { RegistryStore } from '../store/registry-store.js';
import type { ModelDemand } from './warm-input.js';

/**
 * Demand per model as the warm-set controller sees it: the store's demand buckets summed over places into
 * buckets of `bucketMs`, kept for `historyMs`, and forecast over the horizon. The first refresh reads the
 * whole history; later ones read only from the last complete bucket on (coordinators sharing the store add
 * to recent buckets late), so a period costs what arrived since the last, not the history again.
 */

interface Counts {
  requests: number;
  tokens: number;
}

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;

export class ModelDemandWindow {
  /** Bucket start → model → counts. */
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
      let byModel = this.buckets.get(start);
      if (byModel === undefined) this.buckets.set(start, (byModel = new Map()));
      const c = byModel.get(r.model);
      if (c === undefined) byModel.set(r.model, { requests: r.requests, tokens: r.tokens });
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
  series(now: number): Map<string, { requests: Float64Array; tokensPerRequest: number }> {
    const end = floorTo(now, this.bucketMs);
    const starts = [...this.buckets.keys()].filter((s) => s < end);
    const out = new Map<string, { requests: Float64Array; tokensPerRequest: number }>();
    if (starts.length === 0) return out;
    const origin = Math.min(...starts);
    const n = (end - origin) / this.bucketMs;
    const tokens = new Map<string, number>();
    for (const s of starts) {
      for (const [model, c] of this.buckets.get(s)!) {
        let e = out.get(model);
        if (e === undefined) out.set(model, (e = { requests: new Float64Array(n), tokensPerRequest: 0 }));
        e.requests[(s - origin) / this.bucketMs]! += c.requests;
        tokens.set(model, (tokens.get(model) ?? 0) + c.tokens);
      }
    }
    for (const [model, e] of out) {
      const requests = e.requests.reduce((a, b) => a + b, 0);
      e.tokensPerRequest = requests > 0 ? tokens.get(model)! / requests : 0;
    }
    return out;
  }
}

/**
 * Forecast arrival rate per model over the next `horizonMs`: the mean of the upper bounds of the
 * damped Holt-Winters forecast at `coverage` (daily season when a day is a whole number of buckets and
 * two days are seen), in requests/s. Planning on the upper bound loads ahead of a rise the point forecast
 * would see one bucket late.
 */
export function forecastModelDemand(
  series: ReadonlyMap<string, { requests: Float64Array; tokensPerRequest: number }>,
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
