import { Pool } from 'undici';
import { metroById } from '../geo/metros.js';
import { quantileSorted } from '../stats/quantile.js';
import { Rng, WeightedSampler } from '../util/rng.js';
import type { TrafficSpec } from './fleet.js';

/**
 * The fleet's client traffic: an open-loop stream of OpenAI chat requests at `rate` per second, from
 * metros chosen by demand weight (sent as `x-meridian-client-metro`), models by weight, some streamed,
 * some naming a dataset (`x-meridian-dataset`). Given several gateway URLs (coordinators of one cluster), it sends to them in turn. Keeps the last
 * results for a rolling summary; it never logs per request.
 */

export interface Outcome {
  at: number;
  ms: number;
  ok: boolean;
  status: number;
  node: string;
  stream: boolean;
}

export interface TrafficSnapshot {
  sent: number;
  ok: number;
  failed: number;
  inFlight: number;
  /** Over the window: answers per second, latency quantiles (ms) of successful requests. */
  rps: number;
  p50: number;
  p95: number;
  /** Successful answers per node over the window. */
  byNode: Map<string, number>;
  /** Failures by HTTP status (0 = no answer) over the window. */
  failures: Map<number, number>;
  /** Since the start, per gateway URL in the order given. */
  byTarget: { url: string; sent: number; ok: number; failed: number }[];
}

const KEEP = 20_000;

export class TrafficGenerator {
  private readonly pools: Pool[];
  private readonly targets: { url: string; sent: number; ok: number; failed: number }[];
  private readonly rng: Rng;
  private readonly clients: string[];
  private readonly clientSampler: WeightedSampler;
  private readonly models: string[];
  private readonly modelSampler: WeightedSampler;
  private readonly recent: Outcome[] = [];
  private timer: NodeJS.Timeout | undefined;
  private start = 0;
  private sent = 0;
  private okCount = 0;
  private failedCount = 0;
  private inFlight = 0;
  /** Set once `end()` gives up waiting: requests cut off by the shutdown are not failures. */
  private ending = false;

  constructor(
    url: string | readonly string[],
    private readonly spec: TrafficSpec,
    private readonly now: () => number = Date.now,
  ) {
    const urls = typeof url === 'string' ? [url] : [...url];
    this.pools = urls.map((u) => new Pool(u, { connections: Math.ceil(64 / urls.length) }));
    this.targets = urls.map((u) => ({ url: u, sent: 0, ok: 0, failed: 0 }));
    this.rng = new Rng(spec.seed);
    this.clients = spec.clients;
    this.clientSampler = new WeightedSampler(this.clients.map((id) => metroById(id)?.demandWeight ?? 1));
    this.models = Object.keys(spec.models);
    this.modelSampler = new WeightedSampler(this.models.map((m) => spec.models[m]!));
  }

  begin(): void {
    if (this.timer !== undefined || this.spec.rate <= 0) return;
    this.start = this.now();
    this.timer = setInterval(() => this.tick(), 20);
  }

  async end(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const until = this.now() + 3000;
    while (this.inFlight > 0 && this.now() < until) await new Promise((r) => setTimeout(r, 50));
    this.ending = true;
    await Promise.all(this.pools.map((p) => p.destroy()));
  }

  snapshot(windowMs: number): TrafficSnapshot {
    const since = this.now() - windowMs;
    const lat: number[] = [];
    const byNode = new Map<string, number>();
    const failures = new Map<number, number>();
    let n = 0;
    for (let k = this.recent.length - 1; k >= 0; k--) {
      const o = this.recent[k]!;
      if (o.at < since) break;
      n++;
      if (o.ok) {
        lat.push(o.ms);
        byNode.set(o.node, (byNode.get(o.node) ?? 0) + 1);
      } else failures.set(o.status, (failures.get(o.status) ?? 0) + 1);
    }
    const sorted = Float64Array.from(lat).sort();
    const span = Math.min(windowMs, this.now() - this.start) / 1000;
    return {
      sent: this.sent,
      ok: this.okCount,
      failed: this.failedCount,
      inFlight: this.inFlight,
      rps: span > 0 ? n / span : 0,
      p50: quantileSorted(sorted, 0.5),
      p95: quantileSorted(sorted, 0.95),
      byNode,
      failures,
      byTarget: this.targets.map((t) => ({ ...t })),
    };
  }

  private tick(): void {
    const due = Math.floor(((this.now() - this.start) * this.spec.rate) / 1000);
    while (this.sent < due) {
      void this.one(this.sent % this.pools.length);
      this.sent++;
    }
  }

  /** The dataset the next request names, by the spec's shares; undefined for most requests. */
  private dataset(): string | undefined {
    const shares = Object.entries(this.spec.datasets);
    if (shares.length === 0) return undefined; // no draw: the traffic of a fleet without data stays as it was
    let u = this.rng.next();
    for (const [id, share] of shares) {
      if (u < share) return id;
      u -= share;
    }
    return undefined;
  }

  private async one(target: number): Promise<void> {
    const client = this.clients[this.clientSampler.sample(this.rng)] ?? this.clients[0]!;
    const model = this.models[this.modelSampler.sample(this.rng)] ?? this.models[0]!;
    const [lo, hi] = this.spec.maxTokens;
    const maxTokens = lo + this.rng.int(Math.max(1, hi - lo + 1));
    const stream = this.rng.chance(this.spec.streamShare);
    const dataset = this.dataset();
    const body = JSON.stringify({
      model,
      messages: [{ role: 'user', content: `a question from ${client}` }],
      max_tokens: maxTokens,
      stream,
    });
    const t0 = this.now();
    this.inFlight++;
    const counts = this.targets[target]!;
    counts.sent++;
    let status = 0;
    let node = '';
    try {
      const res = await this.pools[target]!.request({
        method: 'POST',
        path: '/v1/chat/completions',
        headers: {
          'content-type': 'application/json',
          'x-meridian-client-metro': client,
          ...(dataset === undefined ? {} : { 'x-meridian-dataset': dataset }),
        },
        body,
      });
      status = res.statusCode;
      node = String(res.headers['x-meridian-node'] ?? '');
      await res.body.dump({ limit: 16 * 1024 * 1024 });
    } catch {
      status = 0;
    }
    this.inFlight--;
    if (status === 0 && this.ending) return;
    const ok = status === 200;
    if (ok) this.okCount++;
    else this.failedCount++;
    if (ok) counts.ok++;
    else counts.failed++;
    this.recent.push({ at: this.now(), ms: this.now() - t0, ok, status, node, stream });
    if (this.recent.length > KEEP) this.recent.splice(0, this.recent.length - KEEP / 2);
  }
}
