import { type DemandJson, DemandRecorder, regroup } from '../demand/series.js';
import { metroById } from '../geo/metros.js';
import { nearestMetro } from '../geo/nearest.js';
import type { Client } from '../model/request.js';
import type { DemandBucketRecord, RegistryStore } from '../store/registry-store.js';

/** The coordinator records demand in buckets of one minute by default; coarser series are sums of these. */
export const DEMAND_BASE_MS = 60_000;

/**
 * Demand goes to the store at most this often: a minute's counts gain nothing from 25 ms batches, and
 * each batch is a synchronous SQLite transaction on the event loop (or a KV round trip per bucket).
 */
export const DEMAND_FLUSH_MS = 1000;

/**
 * Demand the gateway saw, per (client metro, model) and bucket (a minute by default): every request counts once with its
 * tokens (prompt estimate + requested output), and as unmet when no node answered it; a request a node
 * refused for the client's own mistake is not demand (`demandOf` in gateway-receipt.ts). Kept in memory and
 * added to the store every `flushMs`, at least `DEMAND_FLUSH_MS` (several coordinators sharing a store add
 * up), so the request path never waits on the store. `series` flushes, then reads it back as demand series
 * by metro or by region.
 */
/**
 * A pending bucket's key (its length is always the log's `baseMs`): made on every request, so plain text
 * rather than `demandKey`'s JSON. Metro ids and model ids hold no newline.
 */
function pendingKey(startMs: number, place: string, model: string): string {
  return `${startMs}\n${place}\n${model}`;
}

export class DemandLog {
  private pending = new Map<string, DemandBucketRecord>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** The last store error, if adding ever failed (the buckets are kept and retried). */
  lastError: string | undefined;

  constructor(
    private readonly store: RegistryStore,
    flushMs: number,
    /** Length of the stored buckets (config `demand.bucketMs`); divides a minute. */
    readonly baseMs = DEMAND_BASE_MS,
  ) {
    this.flushMs = Math.max(flushMs, DEMAND_FLUSH_MS);
  }

  private readonly flushMs: number;

  /** One request at `tMs` from `client` for `model`; `served` false when no node answered it. */
  add(client: Client, model: string, tMs: number, tokens: number, served: boolean): void {
    const place = client.metro ?? nearestMetro(client)?.id ?? 'unknown';
    const startMs = Math.floor(tMs / this.baseMs) * this.baseMs;
    const k = pendingKey(startMs, place, model);
    const prev = this.pending.get(k);
    const unmet = served ? 0 : 1;
    if (prev === undefined)
      this.pending.set(k, { place, model, bucketMs: this.baseMs, startMs, requests: 1, tokens, unmet });
    else {
      prev.requests++;
      prev.tokens += tokens;
      prev.unmet += unmet;
    }
    if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Adds everything pending to the store. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.store.addDemand(batch);
        this.lastError = undefined;
      } catch (e) {
        this.lastError = e instanceof Error ? e.message : String(e);
        for (const b of batch) {
          const k = pendingKey(b.startMs, b.place, b.model);
          const p = this.pending.get(k);
          if (p === undefined) this.pending.set(k, b);
          else {
            p.requests += b.requests;
            p.tokens += b.tokens;
            p.unmet += b.unmet;
          }
        }
      }
    });
    return this.flushing;
  }

  /**
   * Series since `sinceMs` in buckets of `bucketMs` (a multiple of a minute), by client metro or by its
   * region. Buckets start at multiples of `bucketMs` since the epoch; the origin is the first bucket seen.
   */
  async series(bucketMs: number, sinceMs: number, group: 'metro' | 'region'): Promise<DemandJson> {
    await this.flush();
    const rows = await this.store.listDemand(this.baseMs, sinceMs);
    const first = rows[0]?.startMs ?? sinceMs;
    const rec = new DemandRecorder(bucketMs, Math.floor(first / bucketMs) * bucketMs);
    for (const r of rows) rec.record(r.place, r.model, r.startMs, r);
    const json = rec.toJSON();
    return group === 'metro' ? json : regroup(json, (m) => metroById(m)?.region ?? m);
  }
}
