import { transferMs } from '../estimate/cold-start.js';
import { metroById } from '../geo/metros.js';
import { NodeRttEvidence } from '../learn/node-rtt.js';
import type { LatLon } from '../model/common.js';
import type { Model } from '../model/model.js';
import type { Node } from '../model/node.js';
import { NetworkState, type NodeTelemetry, type Snapshot } from '../network/state.js';
import { Topology } from '../network/topology.js';
import type { Heartbeat } from '../wire/protocol.js';
import type { RegisteredNode, RegistryEvent } from './registry.js';
import { type HealthThresholds, healthOf, TelemetryTable } from './telemetry.js';

/**
 * The coordinator's picture of the live network, kept in the shared `NetworkState` (src/network): the
 * registry gives the topology (rebuilt when nodes join or leave), heartbeats give telemetry with the time
 * they arrived, and the gateway's own in-flight count per node is merged in (a node's report is up to a
 * heartbeat old; the gateway knows its outstanding requests exactly). Views for `route()` are refreshed
 * when something changed, at most every `minRefreshMs`.
 */

export interface LiveNetworkOptions {
  models: readonly Model[];
  thresholds: HealthThresholds;
  /** Metro that RTT samples `to: coordinator` stand for. */
  coordinatorMetro?: string;
  now: () => number;
  /** A node the gateway must not send to now (its breaker is open). */
  blocked?: (nodeId: string) => boolean;
  minRefreshMs?: number;
}

/** Per model: how many healthy nodes report it resident (warm), loading, or anywhere. */
export interface ModelAvailability {
  id: string;
  warm: number;
  loading: number;
  nodes: number;
}

export class LiveNetwork {
  readonly telemetry = new TelemetryTable();
  /** RTT evidence per node (src/learn/node-rtt.ts): the only way measurements move a node's RTT. */
  readonly rtt = new NodeRttEvidence();
  private readonly models: readonly Model[];
  private readonly modelIds: ReadonlySet<string>;
  private readonly inflight = new Map<string, number>();
  private registered: RegisteredNode[] = [];
  private state: NetworkState;
  private view: Snapshot | undefined;
  private dirty = true;
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private availabilityCache: { at: number; list: ModelAvailability[] } | undefined;

  constructor(private readonly opt: LiveNetworkOptions) {
    this.models = opt.models;
    this.modelIds = new Set(opt.models.map((m) => m.id));
    this.state = this.build();
  }

  /** Applies a registry event: rebuild on membership changes, telemetry on heartbeats. */
  onEvent(e: RegistryEvent, all: () => RegisteredNode[]): void {
    this.availabilityCache = undefined;
    if (e.type === 'heartbeat') {
      const before = this.telemetry.get(e.nodeId)?.heartbeat;
      this.telemetry.record(e.heartbeat, e.receivedAt);
      this.observeReported(e.nodeId, e.heartbeat);
      const node = this.registered.find((n) => n.record.id === e.nodeId);
      if (node?.descriptor.hardware.accelerator === 'api' && !sameModels(before, e.heartbeat)) {
        this.reset(all());
        return;
      }
      this.apply(e.nodeId);
      this.dirty = true;
      return;
    }
    if (e.type === 'remove') {
      this.telemetry.forget(e.nodeId);
      this.rtt.forget(e.nodeId);
      this.inflight.delete(e.nodeId);
    }
    this.reset(all());
  }

  /** Rebuilds the topology for this node set and replays the latest telemetry of each node. */
  reset(nodes: RegisteredNode[]): void {
    this.availabilityCache = undefined;
    this.registered = [...nodes].sort((a, b) => (a.record.id < b.record.id ? -1 : 1));
    this.state = this.build();
    for (const n of this.registered) this.apply(n.record.id);
    this.view = undefined;
    this.dirty = true;
  }

  get topology(): Topology {
    return this.state.topology;
  }

  /** The current view for a decision (refreshed when telemetry or in-flight counts changed). */
  currentView(): Snapshot {
    const now = this.opt.now();
    const due = now - this.lastRefresh >= (this.dirty ? (this.opt.minRefreshMs ?? 20) : 250);
    if (this.view === undefined || due) {
      this.mergeLiveness(now);
      this.view = this.view === undefined ? this.state.snapshot(now) : this.state.refresh(this.view, now);
      this.lastRefresh = now;
      this.dirty = false;
    }
    return this.view;
  }

  /** The gateway sent a request to the node / the request finished. */
  begin(nodeId: string): void {
    this.inflight.set(nodeId, (this.inflight.get(nodeId) ?? 0) + 1);
    this.dirty = true;
  }

  end(nodeId: string): void {
    const v = (this.inflight.get(nodeId) ?? 0) - 1;
    if (v > 0) this.inflight.set(nodeId, v);
    else this.inflight.delete(nodeId);
    this.dirty = true;
  }

  inflightOf(nodeId: string): number {
    return this.inflight.get(nodeId) ?? 0;
  }

  /** Models some healthy node reports, known to the catalog, with warm / loading counts; sorted by id. */
  availability(): ModelAvailability[] {
    const now = this.opt.now();
    // Cached: asked on every gateway request; recomputed on new telemetry and as health ages.
    const cached = this.availabilityCache;
    if (cached !== undefined && now - cached.at < 250 && now >= cached.at) return cached.list;
    const list = this.computeAvailability(now);
    this.availabilityCache = { at: now, list };
    return list;
  }

  private computeAvailability(now: number): ModelAvailability[] {
    const out = new Map<string, ModelAvailability>();
    for (const n of this.registered) {
      const id = n.record.id;
      if (healthOf(this.telemetry.ageMs(id, now), this.opt.thresholds) === 'unhealthy') continue;
      for (const m of this.telemetry.get(id)?.heartbeat.models ?? []) {
        if (!this.modelIds.has(m.id)) continue;
        let a = out.get(m.id);
        if (a === undefined) out.set(m.id, (a = { id: m.id, warm: 0, loading: 0, nodes: 0 }));
        a.nodes++;
        if (m.state === 'warm') a.warm++;
        if (m.state === 'loading') a.loading++;
      }
    }
    return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** The backend's own name for `model` on the node (requests are rewritten to it). */
  servedAs(nodeId: string, model: string): string {
    const m = this.telemetry.get(nodeId)?.heartbeat.models.find((x) => x.id === model);
    return m?.servedAs ?? model;
  }

  private build(): NetworkState {
    const nodes: Node[] = this.registered.map((n) => toNode(n, this.telemetry.get(n.record.id)?.heartbeat));
    return new NetworkState(new Topology({ nodes, models: this.models }));
  }

  private apply(nodeId: string): void {
    const i = this.state.nodeIndex(nodeId);
    if (i < 0) return;
    this.state.setRttOffset(i, this.rtt.offsetMs(nodeId));
    const entry = this.telemetry.get(nodeId);
    if (entry === undefined) return;
    this.state.report(i, toTelemetry(entry.heartbeat, this.modelIds, this.loadMs(i)), entry.receivedAt);
  }

  /**
   * A round trip the coordinator measured itself to the node (a probe), ms: evidence about the node's
   * own RTT when the coordinator's metro is known (`gateway.metro`), ignored otherwise.
   */
  observeMeasured(nodeId: string, ms: number): void {
    const to = this.coordinatorPlace();
    const at = this.placeOf(nodeId);
    if (to === undefined || at === undefined) return;
    this.rtt.observe(nodeId, 'coordinator', at, to, ms);
    const i = this.state.nodeIndex(nodeId);
    if (i >= 0) this.state.setRttOffset(i, this.rtt.offsetMs(nodeId));
    this.dirty = true;
  }

  /**
   * The heartbeat's RTT samples as evidence about the reporting node only (never a metro-pair cell other
   * nodes share): `coordinator`, a metro id or a node id; other targets (`backend`) are not places.
   */
  private observeReported(nodeId: string, hb: Heartbeat): void {
    const at = this.placeOf(nodeId);
    if (at === undefined) return;
    for (const s of hb.rtt) {
      const to = s.to === 'coordinator' ? this.coordinatorPlace() : (metroById(s.to) ?? this.placeOf(s.to));
      if (to !== undefined) this.rtt.observe(nodeId, 'node', at, to, s.ms);
    }
  }

  private coordinatorPlace(): LatLon | undefined {
    const m = this.opt.coordinatorMetro === undefined ? undefined : metroById(this.opt.coordinatorMetro);
    return m === undefined ? undefined : { lat: m.lat, lon: m.lon };
  }

  private placeOf(nodeId: string): LatLon | undefined {
    const i = this.state.nodeIndex(nodeId);
    return i < 0 ? undefined : this.state.topology.nodes[i]!.location;
  }

  /** Estimated time for node `i` to load a model from local disk, ms (when the backend does not say). */
  private loadMs(i: number): (modelId: string, progress: number) => number {
    const t = this.state.topology;
    return (modelId, progress) => {
      const m = t.models.index.get(modelId);
      if (m === undefined) return 0;
      return transferMs((1 - progress) * t.models.weightsGb[m]!, t.localDiskGBps[i]!);
    };
  }

  /** Health from telemetry age and breakers; load = max(reported, the gateway's own in-flight). */
  private mergeLiveness(now: number): void {
    const t = this.state.topology;
    for (let i = 0; i < t.n; i++) {
      const id = t.ids[i]!;
      const entry = this.telemetry.get(id);
      const health = healthOf(this.telemetry.ageMs(id, now), this.opt.thresholds);
      this.state.setHealthy(i, health !== 'unhealthy' && this.opt.blocked?.(id) !== true);
      if (entry === undefined) continue;
      const hb = entry.heartbeat;
      const total = Math.max(hb.inFlight + hb.queue, this.inflight.get(id) ?? 0);
      const running = Math.min(total, t.slots[i]!);
      this.state.setLoad(i, running, total - running, entry.receivedAt, hb.meanServiceMs ?? 0);
    }
  }
}

/** The registered descriptor as a `Node`; a proxy (`api`) node holds the models its heartbeat lists. */
function toNode(n: RegisteredNode, hb: Heartbeat | undefined): Node {
  const models =
    n.descriptor.hardware.accelerator === 'api' && hb !== undefined
      ? hb.models.map((m) => ({ model: m.id, tier: 'gpu' as const }))
      : [];
  return { ...n.descriptor, models };
}

function toTelemetry(
  hb: Heartbeat,
  known: ReadonlySet<string>,
  loadMs: (modelId: string, progress: number) => number,
): NodeTelemetry {
  const of = (state: string) =>
    hb.models.filter((m) => m.state === state && known.has(m.id)).map((m) => m.id);
  const loading = hb.models.find((m) => m.state === 'loading' && known.has(m.id));
  return {
    running: hb.inFlight,
    queued: hb.queue,
    ...(hb.meanServiceMs === undefined ? {} : { meanServiceMs: hb.meanServiceMs }),
    resident: of('warm'),
    hostRam: of('hostRam'),
    localDisk: of('localDisk'),
    loading:
      loading === undefined
        ? null
        : {
            model: loading.id,
            remainingMs: loading.remainingMs ?? loadMs(loading.id, loading.progress ?? 0),
          },
  };
}

function sameModels(a: Heartbeat | undefined, b: Heartbeat): boolean {
  if (a === undefined) return false;
  const x = a.models.map((m) => m.id).sort();
  const y = b.models.map((m) => m.id).sort();
  return x.length === y.length && x.every((v, k) => v === y[k]);
}
