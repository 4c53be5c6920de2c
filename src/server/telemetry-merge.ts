import { transferMs } from '../estimate/cold-start.js';
import type { NodeRttEvidence } from '../learn/node-rtt.js';
import type { NetworkState, NodeTelemetry } from '../network/state.js';
import { toTelemetry } from './live-node.js';
import { type HealthThresholds, healthOf, type TelemetryTable } from './telemetry.js';

/**
 * How node telemetry gets into the coordinator's `NetworkState` (live-network.ts holds the state and
 * says when): a node's latest heartbeat written as its report (tiers, loading model, load, RTT offset),
 * and before a view refresh the liveness merge: health from telemetry age and breakers, trust marks,
 * load = max(reported, in flight from every coordinator), and the refusal board's excluded (node, model)
 * pairs. Owns what that merge remembers between refreshes: the nodes changed since the last full merge,
 * when that was, and the exclusion cells it set.
 */

/**
 * A view is refreshed at least this often when nothing changed, ms, and every node's health, breaker and
 * trust marks are read again at least this often: between two such passes a refresh merges only the
 * nodes whose telemetry or in-flight counts changed (at 10,000 heartbeats a second, ~200 of 10,000 per
 * 20 ms), so its cost follows what changed rather than the size of the network.
 */
export const FULL_MERGE_MS = 250;

/** What the merge reads besides telemetry: thresholds, the gateway's marks and the refusal board. */
export interface TelemetryMergeOptions {
  thresholds: HealthThresholds;
  /** A node the gateway must not send to now (its breaker is open). */
  blocked?: (nodeId: string) => boolean;
  /** A node quarantined for lying (live-trust.ts): the `trusted` filter keeps requests off it. */
  quarantined?: (nodeId: string) => boolean;
  /** A node demoted for a low trust score (live-trust.ts): the `demoted` scorer penalises it. */
  demoted?: (nodeId: string) => boolean;
  /** (node, model) pairs excluded for refusing what they claim; `version` changes when the set does. */
  refusals?: {
    readonly version: number;
    forEachExcluded(now: number, f: (nodeId: string, model: string) => void): void;
  };
}

/** The live network's tables the merge reads (owned and updated by live-network.ts). */
export interface TelemetrySources {
  readonly telemetry: TelemetryTable;
  readonly rtt: NodeRttEvidence;
  /** Catalog model ids: a heartbeat's other models are left out of the report. */
  readonly modelIds: ReadonlySet<string>;
  /** Requests this coordinator has outstanding per node. */
  readonly inflight: ReadonlyMap<string, number>;
  /** Requests other coordinators have outstanding per node (their published counts, summed). */
  readonly remoteInflight: ReadonlyMap<string, number>;
}

export class TelemetryMerge {
  /** When every node was last merged into the state, and the nodes changed since (merged alone until the next). */
  private lastFullMerge = Number.NEGATIVE_INFINITY;
  private readonly touched = new Set<string>();
  /** Cells `node × models + model` of the exclusion matrix set now, and the refusal version they show. */
  private excludedCells: number[] = [];
  private refusalVersion = -1;

  constructor(
    private readonly opt: TelemetryMergeOptions,
    private readonly src: TelemetrySources,
  ) {}

  /** The node's telemetry or in-flight counts changed: the next refresh merges it. */
  touch(nodeId: string): void {
    this.touched.add(nodeId);
  }

  /** A new state was built: no exclusion cell is set in it, and the next refresh merges every node. */
  reset(): void {
    this.excludedCells = [];
    this.refusalVersion = -1;
    this.lastFullMerge = Number.NEGATIVE_INFINITY;
    this.touched.clear();
  }

  /** Whether the refusal board changed since its exclusions were last merged. */
  refusalsChanged(): boolean {
    return this.opt.refusals !== undefined && this.opt.refusals.version !== this.refusalVersion;
  }

  /**
   * Writes the node's latest telemetry into the state. `sameHoldings`: the heartbeat lists the models
   * and states of the one applied before it and none is loading, so the node's tiers and loading model
   * in the state are what this one would set (applying the same lists again changes nothing): only its
   * load is written.
   */
  apply(state: NetworkState, nodeId: string, sameHoldings = false): void {
    const i = state.nodeIndex(nodeId);
    if (i < 0) return;
    state.setRttOffset(i, this.src.rtt.offsetMs(nodeId));
    const entry = this.src.telemetry.get(nodeId);
    if (entry === undefined) return;
    const hb = entry.heartbeat;
    const telemetry: NodeTelemetry = sameHoldings
      ? {
          running: hb.inFlight,
          queued: hb.queue,
          ...(hb.meanServiceMs === undefined ? {} : { meanServiceMs: hb.meanServiceMs }),
        }
      : toTelemetry(hb, this.src.modelIds, loadMs(state, i));
    state.report(i, telemetry, entry.receivedAt);
  }

  /**
   * Health from telemetry age and breakers; load = max(reported, in flight from every coordinator): of
   * every node every FULL_MERGE_MS, of the nodes changed since the last merge in between.
   */
  mergeLiveness(state: NetworkState, now: number): void {
    this.mergeExclusions(state, now);
    const t = state.topology;
    if (now - this.lastFullMerge >= FULL_MERGE_MS || now < this.lastFullMerge) {
      for (let i = 0; i < t.n; i++) this.mergeNode(state, i, t.ids[i]!, now);
      this.lastFullMerge = now;
    } else
      for (const id of this.touched) {
        const i = state.nodeIndex(id);
        if (i >= 0) this.mergeNode(state, i, id, now);
      }
    this.touched.clear();
  }

  private mergeNode(state: NetworkState, i: number, id: string, now: number): void {
    const entry = this.src.telemetry.get(id);
    const health = healthOf(this.src.telemetry.ageMs(id, now), this.opt.thresholds);
    state.setHealthy(i, health !== 'unhealthy' && this.opt.blocked?.(id) !== true);
    state.setQuarantined(i, this.opt.quarantined?.(id) === true);
    state.setDemoted(i, this.opt.demoted?.(id) === true);
    if (entry === undefined) return;
    const hb = entry.heartbeat;
    const sent = (this.src.inflight.get(id) ?? 0) + (this.src.remoteInflight.get(id) ?? 0);
    const total = Math.max(hb.inFlight + hb.queue, sent);
    const running = Math.min(total, state.topology.slots[i]!);
    state.setLoad(i, running, total - running, entry.receivedAt, hb.meanServiceMs ?? 0);
  }

  /** Sets the exclusion matrix to the refusal board's excluded pairs (touching only changed cells). */
  private mergeExclusions(state: NetworkState, now: number): void {
    const board = this.opt.refusals;
    if (board === undefined) return;
    const models = state.topology.models.count;
    const next: number[] = [];
    board.forEachExcluded(now, (nodeId, model) => {
      const i = state.nodeIndex(nodeId);
      const m = state.modelIndex(model);
      if (i >= 0 && m >= 0) next.push(i * models + m);
    });
    this.refusalVersion = board.version;
    if (next.length === 0 && this.excludedCells.length === 0) return;
    for (const cell of this.excludedCells)
      if (!next.includes(cell)) state.setExcluded(Math.floor(cell / models), cell % models, false);
    for (const cell of next) state.setExcluded(Math.floor(cell / models), cell % models, true);
    this.excludedCells = next;
  }
}

/** Estimated time for node `i` to load a model from local disk, ms (when the backend does not say). */
function loadMs(state: NetworkState, i: number): (modelId: string, progress: number) => number {
  const t = state.topology;
  return (modelId, progress) => {
    const m = t.models.index.get(modelId);
    if (m === undefined) return 0;
    return transferMs((1 - progress) * t.models.weightsGb[m]!, t.localDiskGBps[i]!);
  };
}
