import type { MessageBus } from '../bus/message-bus.js';
import { quantileSorted } from '../stats/quantile.js';
import type { NodeRecord } from '../store/registry-store.js';
import type { Heartbeat } from '../wire/protocol.js';
import type { Coordinator } from './coordinator.js';
import type { RegistryEvent } from './registry.js';

/**
 * The membership and telemetry part of the shared view: what this coordinator's registry accepts is
 * published, what the others publish is applied to its registry (so the live network, breakers and
 * upstream pools follow as for local events), never re-published.
 *
 *   `<prefix>.view.nodes`: one message per registration, update or deregistration (`upsert` / `remove`);
 *   `<prefix>.view.beats`: heartbeats accepted here, batched: sent `batchMs` after the first of a batch
 *                          or at `batchMax` heartbeats, whichever comes first.
 *
 * Each heartbeat carries the time it was accepted; the time from there to its application here is the
 * view lag, reported over the heartbeats applied in the last `LAG_WINDOW_MS` (at most `LAG_SAMPLES`). After a loss of the bus the node set is
 * read again from the store (what happened meanwhile was stored), and telemetry resumes with the next
 * heartbeats.
 */
export interface ViewOptions {
  prefix: string;
  batchMs: number;
  batchMax: number;
}

/** View lag quantiles are over the heartbeats applied in this window, ms… */
export const LAG_WINDOW_MS = 10_000;
/** …and at most this many of them (the most recent). */
export const LAG_SAMPLES = 200_000;

export interface LagQuantiles {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

interface NodesMessage {
  from: string;
  upsert?: NodeRecord;
  remove?: string;
}

interface BeatsMessage {
  from: string;
  /** [heartbeat, ms when accepted]. */
  beats: [Heartbeat, number][];
}

const encode = (v: unknown) => Buffer.from(JSON.stringify(v));
const decode = <T>(d: Uint8Array) =>
  JSON.parse(Buffer.from(d.buffer, d.byteOffset, d.length).toString()) as T;

export class ClusterView {
  /** Other coordinators by instance id: when their last message arrived (ms). */
  readonly peers = new Map<string, number>();
  private batch: [Heartbeat, number][] = [];
  private timer: NodeJS.Timeout | undefined;
  private applying = false;
  private closed = false;
  private readonly lags = new Float64Array(LAG_SAMPLES);
  private readonly appliedAt = new Float64Array(LAG_SAMPLES);
  private lagCount = 0;
  private lagCache: { at: number; lag: LagQuantiles } | undefined;
  private readonly stops: (() => void)[];
  /** Node-set reads after a loss of the bus, and the error of the last one that failed. */
  catchUps = 0;
  catchUpError: string | undefined;

  constructor(
    private readonly c: Coordinator,
    private readonly bus: MessageBus,
    private readonly opt: ViewOptions,
  ) {
    this.stops = [
      bus.subscribe(this.subject('nodes'), (d) =>
        this.fromPeer(decode<NodesMessage>(d), (m) => this.onNodes(m)),
      ),
      bus.subscribe(this.subject('beats'), (d) =>
        this.fromPeer(decode<BeatsMessage>(d), (m) => this.onBeats(m)),
      ),
      bus.onStatus((up) => {
        if (up) void this.catchUp();
      }),
    ];
    c.registry.onEvent((e) => this.onLocal(e));
  }

  private subject(kind: string): string {
    return `${this.opt.prefix}.view.${kind}`;
  }

  /** View lag quantiles over the last LAG_WINDOW_MS, ms (NaN when no heartbeat came from another coordinator). */
  lag(): LagQuantiles {
    const now = this.c.now();
    // Computed at most once a second: /healthz asks on every probe.
    if (this.lagCache !== undefined && now - this.lagCache.at < 1000) return this.lagCache.lag;
    const lag = this.computeLag(now);
    this.lagCache = { at: now, lag };
    return lag;
  }

  private computeLag(now: number): LagQuantiles {
    const n = Math.min(this.lagCount, LAG_SAMPLES);
    const since = now - LAG_WINDOW_MS;
    const recent: number[] = [];
    for (let k = 0; k < n; k++) if (this.appliedAt[k]! >= since) recent.push(this.lags[k]!);
    const sorted = Float64Array.from(recent).sort();
    const q = (p: number) => Math.round(quantileSorted(sorted, p) * 10) / 10;
    return { p50: q(0.5), p99: q(0.99), max: q(1), samples: sorted.length };
  }

  private onLocal(e: RegistryEvent): void {
    if (this.applying || this.closed) return;
    const from = this.c.instanceId;
    if (e.type === 'upsert') this.publish('nodes', { from, upsert: e.node.record });
    else if (e.type === 'remove') this.publish('nodes', { from, remove: e.nodeId });
    else {
      this.batch.push([e.heartbeat, e.receivedAt]);
      if (this.batch.length >= this.opt.batchMax) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opt.batchMs);
    }
  }

  /** Publishes the heartbeats waiting. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const beats = this.batch;
    this.batch = [];
    this.publish('beats', { from: this.c.instanceId, beats });
  }

  private publish(kind: string, message: NodesMessage | BeatsMessage): void {
    try {
      this.bus.publish(this.subject(kind), encode(message));
    } catch {
      // A closed or failing bus loses the message, as a disconnected one does: the store and the next
      // heartbeats make up for it.
    }
  }

  private fromPeer<M extends { from: string }>(m: M, apply: (m: M) => void): void {
    if (this.closed || m.from === this.c.instanceId) return;
    this.peers.set(m.from, this.c.now());
    this.applying = true;
    try {
      apply(m);
    } finally {
      this.applying = false;
    }
  }

  private onNodes(m: NodesMessage): void {
    if (m.upsert !== undefined) this.c.registry.adopt(m.upsert);
    if (m.remove !== undefined) this.c.registry.drop(m.remove);
  }

  private onBeats(m: BeatsMessage): void {
    const now = this.c.now();
    for (const [hb, at] of m.beats) {
      this.c.registry.heard(hb, Math.min(at, now));
      const k = this.lagCount++ % LAG_SAMPLES;
      this.lags[k] = Math.max(0, now - at);
      this.appliedAt[k] = now;
    }
  }

  /** Reads the node set from the store again (after the bus came back). */
  async catchUp(): Promise<void> {
    try {
      const records = await this.c.store.listNodes();
      if (this.closed) return;
      this.applying = true;
      try {
        this.c.registry.reconcile(records);
      } finally {
        this.applying = false;
      }
      this.catchUps++;
      this.catchUpError = undefined;
    } catch (e) {
      this.catchUpError = e instanceof Error ? e.message : String(e);
      // The store's connection may come back after the bus's: try again shortly.
      setTimeout(() => {
        if (!this.closed && this.bus.connected()) void this.catchUp();
      }, 1000).unref();
    }
  }

  close(): void {
    this.flush();
    this.closed = true;
    for (const stop of this.stops) stop();
  }
}
