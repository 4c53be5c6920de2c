import { estimateParams } from '../estimate/params.js';
import { metroById } from '../geo/metros.js';
import { NodeRttEvidence } from '../learn/node-rtt.js';
import type { LatLon } from '../model/common.js';
import type { HeldDataset } from '../model/dataset.js';
import type { Model } from '../model/model.js';
import type { Node } from '../model/node.js';
import type { Request } from '../model/request.js';
import { NetworkState, type Snapshot } from '../network/state.js';
import { Topology } from '../network/topology.js';
import { RouteQuery } from '../routing/query.js';
import { attestationHolds } from '../trust/attestation/standing.js';
import type { Heartbeat } from '../wire/protocol.js';
import { type ServedTiming, servedOutcome } from './learn-gateway.js';
import { learnFromReport } from './learn-reported.js';
import { liveDatasets } from './live-datasets.js';
import { sameModelStates, sameModels, toNode } from './live-node.js';
import { type ModelAvailability, modelAvailability } from './model-availability.js';
import { OwnPeaks } from './own-peaks.js';
import type { RegisteredNode, RegistryEvent } from './registry.js';
import { healthOf, type TelemetryEntry, TelemetryTable } from './telemetry.js';
import { FULL_MERGE_MS, TelemetryMerge, type TelemetryMergeOptions } from './telemetry-merge.js';

/**
 * The coordinator's picture of the live network, kept in the shared `NetworkState` (src/network): the
 * registry gives the topology (rebuilt when nodes join or leave), heartbeats give telemetry with the time
 * they arrived, and the gateway's own in-flight count per node is merged in (a node's report is up to a
 * heartbeat old; the gateway knows its outstanding requests exactly). Views for `route()` are refreshed
 * when something changed, at most every `minRefreshMs`, and never more often than keeps refreshing under
 * `REFRESH_SHARE` of the time (a refresh walks every node: milliseconds at 10,000 nodes).
 */

const isLoading = (m: { state: string }) => m.state === 'loading';
/** Milliseconds since `entry` arrived (as `TelemetryTable.ageMs`), undefined without one. */
const ageAt = (entry: TelemetryEntry | undefined, now: number) =>
  entry === undefined ? undefined : Math.max(0, now - entry.receivedAt);

/** Most of the time refreshing views may take; the interval grows with what a refresh costs. */
const REFRESH_SHARE = 0.1;

/** The live network's options; those the telemetry merge reads (thresholds, marks, refusals) are its own. */
export interface LiveNetworkOptions extends TelemetryMergeOptions {
  models: readonly Model[];
  /** Metro that RTT samples `to: coordinator` stand for. */
  coordinatorMetro?: string;
  now: () => number;
  minRefreshMs?: number;
  /** The datasets a node has proven it holds (data-proofs.ts); requests naming one route next to them. */
  provenDatasets?: (nodeId: string) => readonly HeldDataset[];
  /**
   * A proxy node's changed model list rebuilds the topology at most once per this many ms (0: at once);
   * changes in between are coalesced into the next rebuild.
   */
  rebuildEveryMs?: number;
}

export type { ModelAvailability } from './model-availability.js';

export class LiveNetwork {
  readonly telemetry = new TelemetryTable();
  /** RTT evidence per node (src/learn/node-rtt.ts): the only way measurements move a node's RTT. */
  readonly rtt = new NodeRttEvidence();
  private readonly models: readonly Model[];
  private readonly modelIds: ReadonlySet<string>;
  private readonly inflight = new Map<string, number>();
  /** Requests other coordinators have outstanding per node (their published counts, summed). */
  private readonly remoteInflight = new Map<string, number>();
  private readonly peaks = new OwnPeaks();
  private byId = new Map<string, RegisteredNode>();
  private registered: RegisteredNode[] = [];
  private state: NetworkState;
  private view: Snapshot | undefined;
  private dirty = true;
  private lastRefresh = Number.NEGATIVE_INFINITY;
  /** Writes telemetry, health, load and exclusions into `state`; remembers what changed between refreshes. */
  private readonly merge: TelemetryMerge;
  /** What a refresh takes, ms of wall time (moving average). */
  private refreshCostMs = 0;
  private availabilityCache: { at: number; list: ModelAvailability[] } | undefined;
  private readonly startedAt: number;
  /** Scratch query for turning a served request into the estimators' outcome. */
  private readonly learnQuery = new RouteQuery(estimateParams());
  /** Topology builds so far (tests count them). */
  rebuilds = 0;
  private lastRebuild = Number.NEGATIVE_INFINITY;
  /** When the first TEE attestation the topology relies on expires (then the topology is rebuilt). */
  private teeUntil = Number.POSITIVE_INFINITY;
  /** Set while a coalesced rebuild waits: gives the node set to rebuild with. */
  private pendingRebuild: (() => RegisteredNode[]) | undefined;

  constructor(private readonly opt: LiveNetworkOptions) {
    this.startedAt = opt.now();
    this.models = opt.models;
    this.modelIds = new Set(opt.models.map((m) => m.id));
    const { telemetry, rtt, modelIds, inflight, remoteInflight } = this;
    this.merge = new TelemetryMerge(opt, { telemetry, rtt, modelIds, inflight, remoteInflight });
    this.state = this.build();
  }

  /** Applies a registry event: rebuild on membership changes, telemetry on heartbeats. */
  onEvent(e: RegistryEvent, all: () => RegisteredNode[]): void {
    if (e.type === 'heartbeat') {
      const last = this.telemetry.get(e.nodeId);
      const before = last?.heartbeat;
      const now = this.opt.now();
      const wasUp = healthOf(ageAt(last, now), this.opt.thresholds) !== 'unhealthy';
      this.telemetry.record(e.heartbeat, e.receivedAt);
      const isUp = healthOf(Math.max(0, now - e.receivedAt), this.opt.thresholds) !== 'unhealthy';
      // Most heartbeats repeat what the node said before: the availability list stays (it is asked on
      // every gateway request and walks every node), and so do the node's tiers in the state.
      const same = sameModelStates(before, e.heartbeat);
      if (wasUp !== isUp || !same) this.availabilityCache = undefined;
      this.peaks.reported(e.nodeId, this.inflightOf(e.nodeId));
      this.observeReported(e.nodeId, e.heartbeat);
      const node = this.byId.get(e.nodeId);
      if (node?.descriptor.hardware.accelerator === 'api' && !sameModels(before, e.heartbeat)) {
        // A node's first report rebuilds at once (once per node); later changes are coalesced.
        if (before === undefined) {
          this.reset(all());
          return;
        }
        this.pendingRebuild = all;
        if (this.rebuildIfDue()) return;
      }
      this.merge.apply(this.state, e.nodeId, same && !e.heartbeat.models.some(isLoading));
      this.merge.touch(e.nodeId);
      this.dirty = true;
      return;
    }
    this.availabilityCache = undefined;
    if (e.type === 'remove') {
      this.telemetry.forget(e.nodeId);
      this.rtt.forget(e.nodeId);
      this.inflight.delete(e.nodeId);
      this.peaks.forget(e.nodeId);
    }
    this.reset(all());
  }

  /** Rebuilds the topology for this node set and replays the latest telemetry of each node. */
  reset(nodes: RegisteredNode[]): void {
    this.availabilityCache = undefined;
    this.rebuilds++;
    this.lastRebuild = this.opt.now();
    this.pendingRebuild = undefined;
    this.registered = [...nodes].sort((a, b) => (a.record.id < b.record.id ? -1 : 1));
    this.byId = new Map(this.registered.map((n) => [n.record.id, n]));
    this.state = this.build();
    this.merge.reset();
    for (const n of this.registered) this.merge.apply(this.state, n.record.id);
    this.view = undefined;
    this.dirty = true;
  }

  get topology(): Topology {
    return this.state.topology;
  }

  /** The current view for a decision (refreshed when telemetry or in-flight counts changed). */
  currentView(): Snapshot {
    this.rebuildIfDue();
    const now = this.opt.now();
    // A node's TEE mode lasts only while its attestation holds: checked at every decision.
    if (now >= this.teeUntil) this.reset(this.registered);
    // A change of exclusions is seen by the next decision (rare, and each is a node refusing traffic).
    const excluding = this.merge.refusalsChanged();
    const interval = Math.max(
      this.dirty ? (this.opt.minRefreshMs ?? 20) : FULL_MERGE_MS,
      this.refreshCostMs / REFRESH_SHARE,
    );
    if (this.view === undefined || now - this.lastRefresh >= interval || excluding) {
      const t0 = performance.now();
      this.merge.mergeLiveness(this.state, now);
      this.view = this.view === undefined ? this.state.snapshot(now) : this.state.refresh(this.view, now);
      this.lastRefresh = now;
      this.dirty = false;
      this.refreshCostMs = 0.8 * this.refreshCostMs + 0.2 * (performance.now() - t0);
    }
    return this.view;
  }

  /** Runs a coalesced rebuild when one waits and the last was `rebuildEveryMs` ago; true when it ran. */
  private rebuildIfDue(): boolean {
    const all = this.pendingRebuild;
    if (all === undefined || this.opt.now() - this.lastRebuild < (this.opt.rebuildEveryMs ?? 0)) return false;
    this.reset(all());
    return true;
  }

  /** The gateway sent a request to the node / the request finished. */
  begin(nodeId: string): void {
    const v = (this.inflight.get(nodeId) ?? 0) + 1;
    this.inflight.set(nodeId, v);
    this.peaks.sent(nodeId, v);
    this.merge.touch(nodeId);
    this.dirty = true;
  }

  end(nodeId: string): void {
    const v = (this.inflight.get(nodeId) ?? 0) - 1;
    if (v > 0) this.inflight.set(nodeId, v);
    else this.inflight.delete(nodeId);
    this.merge.touch(nodeId);
    this.dirty = true;
  }

  /**
   * What the gateway saw of one request served by `nodeId`: feeds the node's speed estimators (the same
   * ones the simulator feeds); the next view carries the learned factors.
   */
  observeServed(nodeId: string, request: Request, timing: ServedTiming): void {
    const i = this.state.nodeIndex(nodeId);
    if (i < 0) return;
    const outcome = servedOutcome(this.currentView(), this.learnQuery, request, i, timing);
    if (outcome === undefined) return;
    this.state.learning.observeServed(outcome, this.opt.now());
    this.merge.touch(nodeId);
    this.dirty = true;
  }

  /** Learned speed of a node relative to the catalog (1 = as the catalog says; 2 = twice as slow). */
  learnedOf(nodeId: string): { prefillFactor: number; decodeFactor: number; samples: number } | null {
    const i = this.state.nodeIndex(nodeId);
    if (i < 0) return null;
    const s = this.state.learning.speed;
    return {
      prefillFactor: s.prefill.factor(i),
      decodeFactor: s.decode.factor(i),
      samples: s.decode.samples(i),
    };
  }

  inflightOf(nodeId: string): number {
    return this.inflight.get(nodeId) ?? 0;
  }

  /** Most requests this coordinator had at the node at once since its heartbeat before last. */
  ownPeakOf(nodeId: string): number {
    return this.peaks.of(nodeId, this.inflightOf(nodeId));
  }

  /** This coordinator's outstanding requests per node (nodes with none left out). */
  ownInflight(): ReadonlyMap<string, number> {
    return this.inflight;
  }

  /** What other coordinators have outstanding at the node, counted in its load like our own. */
  setRemoteInflight(nodeId: string, n: number): void {
    if (n > 0) this.remoteInflight.set(nodeId, n);
    else this.remoteInflight.delete(nodeId);
    this.merge.touch(nodeId);
    this.dirty = true;
  }

  /** Models some healthy node reports, known to the catalog, with warm / loading counts; sorted by id. */
  availability(): ModelAvailability[] {
    const now = this.opt.now();
    // Cached: asked on every gateway request; recomputed on new telemetry and as health ages.
    const cached = this.availabilityCache;
    if (cached !== undefined && now - cached.at < 250 && now >= cached.at) return cached.list;
    const list = modelAvailability(this.registered, this.telemetry, this.opt.thresholds, this.modelIds, now);
    this.availabilityCache = { at: now, list };
    return list;
  }

  /**
   * Registered nodes not heard from since this coordinator started, while they still may report (for
   * `unhealthyAfterMs` after the start): right after a restart they may serve models nobody lists yet.
   */
  awaitingReports(): number {
    if (this.opt.now() - this.startedAt >= this.opt.thresholds.unhealthyAfterMs) return 0;
    let n = 0;
    for (const r of this.registered) if (this.telemetry.get(r.record.id) === undefined) n++;
    return n;
  }

  /** Whether `model` is in the catalog (some node could serve it). */
  knows(model: string): boolean {
    return this.modelIds.has(model);
  }

  /** The backend's own name for `model` on the node (requests are rewritten to it). */
  servedAs(nodeId: string, model: string): string {
    const m = this.telemetry.get(nodeId)?.heartbeat.models.find((x) => x.id === model);
    return m?.servedAs ?? model;
  }

  private build(): NetworkState {
    const now = this.opt.now();
    this.teeUntil = Number.POSITIVE_INFINITY;
    for (const n of this.registered)
      if (attestationHolds(n.record.attestation, now))
        this.teeUntil = Math.min(this.teeUntil, n.record.attestation.expiresAt);
    const nodes: Node[] = this.registered.map((n) =>
      toNode(n, this.telemetry.get(n.record.id)?.heartbeat, now),
    );
    const proven = this.opt.provenDatasets;
    const datasets =
      proven === undefined
        ? []
        : liveDatasets(this.registered.map((n) => ({ nodeId: n.record.id, held: proven(n.record.id) })));
    const state = new NetworkState(new Topology({ nodes, models: this.models, datasets }));
    // What was learned about the nodes that stay carries over to the new member set.
    const old = this.state as NetworkState | undefined;
    if (old !== undefined)
      state.learning.adoptSpeed(old.learning, (i) => old.nodeIndex(state.topology.ids[i]!), this.opt.now());
    return state;
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
    const i = this.state.nodeIndex(nodeId);
    learnFromReport(this.state.learning, this.state.topology, i, hb, this.opt.now());
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
}
