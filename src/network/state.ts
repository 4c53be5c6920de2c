import type { NetworkCoordinates } from '../geo/coordinates.js';
import {
  cloneDynamics,
  copyDynamics,
  createDynamics,
  type Dynamics,
  TIER_CODES,
  TIER_GPU,
} from './dynamics.js';
import { NetworkLearning } from './learning.js';
import { buildModelCells, patchModelCells } from './model-cells.js';
import { ACCEL_API } from './models.js';
import { Topology, type TopologyInput, type TopologyOptions } from './topology.js';
import type { NetworkView } from './view.js';
import { buildWarmIndex, patchWarmIndex, type ReusableBuckets, warmModelsOf } from './warm-index.js';

/** One node's report, as the coordinator receives it. Omitted fields keep their previous value. */
export interface NodeTelemetry {
  healthy?: boolean;
  running?: number;
  queued?: number;
  meanServiceMs?: number;
  /** Models resident in accelerator memory (replaces the previous list). */
  resident?: readonly string[];
  /** Models held in host RAM / on local disk (replace the previous lists). */
  hostRam?: readonly string[];
  localDisk?: readonly string[];
  /** The model being loaded and its remaining time, or null when none. */
  loading?: { model: string; remainingMs: number } | null;
}

/**
 * A view the state can refresh in place (what `snapshot` returns). Read-only to everyone else: its clock,
 * telemetry and warm index change only through the state that made it (`refresh`, `advance`, `markDown`).
 */
export interface Snapshot extends NetworkView {
  readonly warm: ReusableBuckets;
  readonly warmBySpeed: ReusableBuckets;
}

/** The state's own handle on a snapshot it made. */
type Writable = { -readonly [K in keyof Snapshot]: Snapshot[K] };

/**
 * The mutable store of what a router knows about the network: telemetry with the time it was reported.
 * The coordinator (or the simulator, from its ground truth) writes into it; `snapshot` / `refresh` give
 * the router a consistent read-only view. Setters take dense indexes (`nodeIndex`, `modelIndex`) so the
 * simulator can refresh 10,000 nodes without string lookups.
 */
export class NetworkState {
  readonly topology: Topology;
  private readonly dyn: Dynamics;
  /** Per node: the models resident in accelerator memory (dense indexes). */
  private readonly residents: number[][];
  /** Change counters of the tier and exclusion matrices and the RTT arrays, and the versions each view last copied. */
  private tierVersion = 0;
  private rttVersion = 0;
  private readonly copied = new WeakMap<Snapshot, { tier: number; rtt: number; warm: number }>();
  /**
   * Warm-set clock: bumped whenever a node's resident list or loading model changes, and per node the
   * clock of its last change; a refresh patches the warm index for the nodes changed since the view's copy.
   */
  private warmClock = 0;
  private readonly warmChangedAt: Float64Array;
  /** Per node: the tier version of its last tier or exclusion change (a refresh copies only those rows). */
  private readonly tierChangedAt: Float64Array;
  /** What the router learns from observed outcomes and round trips (speed factors, Vivaldi RTTs). */
  readonly learning: NetworkLearning;
  /** Round trips given instead of learned (`useRttSource`), if any. */
  private rttSource: NetworkView['learnedRtt'];

  constructor(topology: Topology) {
    this.topology = topology;
    this.dyn = createDynamics(topology);
    this.learning = new NetworkLearning(topology, this.dyn);
    this.warmChangedAt = new Float64Array(topology.n);
    this.tierChangedAt = new Float64Array(topology.n);
    const m = topology.models.count;
    this.residents = Array.from({ length: topology.n }, (_, i) => {
      const list: number[] = [];
      for (let k = 0; k < m; k++) if (this.dyn.tier[i * m + k] === TIER_GPU) list.push(k);
      return list;
    });
  }

  /** A state for `{ nodes, models, datasets }` (e.g. a loaded scenario), every node healthy and idle. */
  static fromScenario(input: TopologyInput, options?: TopologyOptions): NetworkState {
    return new NetworkState(new Topology(input, options));
  }

  nodeIndex(id: string): number {
    return this.topology.index.get(id) ?? -1;
  }

  modelIndex(id: string): number {
    return this.topology.models.index.get(id) ?? -1;
  }

  setHealthy(i: number, healthy: boolean, atMs?: number): void {
    this.dyn.healthy[i] = healthy ? 1 : 0;
    if (atMs !== undefined) this.dyn.reportedAtMs[i] = atMs;
  }

  /** Load at `atMs`: requests running and queued, and the node's mean service time (0 = unknown). */
  setLoad(i: number, running: number, queued: number, atMs: number, meanServiceMs = 0): void {
    this.dyn.running[i] = running;
    this.dyn.queued[i] = queued;
    this.dyn.meanServiceMs[i] = meanServiceMs;
    this.dyn.reportedAtMs[i] = atMs;
  }

  /** Moves model `m`'s weights on node `i` to `tier`, keeping memory use and the resident list in step. */
  setTier(i: number, m: number, tier: keyof typeof TIER_CODES | number): void {
    const code = typeof tier === 'number' ? tier : TIER_CODES[tier];
    const cell = i * this.topology.models.count + m;
    const was = this.dyn.tier[cell]!;
    if (was === code) return;
    this.dyn.tier[cell] = code;
    this.tierChangedAt[i] = ++this.tierVersion;
    const list = this.residents[i]!;
    const weight = this.topology.accel[i] === ACCEL_API ? 0 : this.topology.models.weightsGb[m]!;
    if (was === TIER_GPU || code === TIER_GPU) this.warmChangedAt[i] = ++this.warmClock;
    if (was === TIER_GPU) {
      list.splice(list.indexOf(m), 1);
      this.dyn.usedGb[i]! -= weight;
    } else if (code === TIER_GPU) {
      list.push(m);
      this.dyn.usedGb[i]! += weight;
      if (this.dyn.loadingModel[i] === m) this.dyn.loadingModel[i] = -1;
    }
  }

  /** Excludes node `i` from model `m`'s requests (it refuses them), or admits it again. */
  setExcluded(i: number, m: number, excluded: boolean): void {
    const cell = i * this.topology.models.count + m;
    const v = excluded ? 1 : 0;
    if (this.dyn.excluded[cell] === v) return;
    this.dyn.excluded[cell] = v;
    this.tierChangedAt[i] = ++this.tierVersion;
  }

  /**
   * Puts node `i` in the trust ledger's quarantine (the `trusted` filter drops it) or releases it, here
   * and, when given, in `view` at once.
   */
  setQuarantined(i: number, quarantined: boolean, view?: Snapshot): void {
    const v = quarantined ? 1 : 0;
    this.dyn.quarantined[i] = v;
    if (view) view.dyn.quarantined[i] = v;
  }

  /** Marks node `i` demoted by the trust ledger (the `demoted` scorer penalises it) or not, here and in `view`. */
  setDemoted(i: number, demoted: boolean, view?: Snapshot): void {
    const v = demoted ? 1 : 0;
    this.dyn.demoted[i] = v;
    if (view) view.dyn.demoted[i] = v;
  }

  /** Node `i` is loading model `m` with `remainingMs` to go (m = -1: nothing loading). */
  setLoading(i: number, m: number, remainingMs: number, atMs?: number): void {
    if (this.dyn.loadingModel[i] !== m) this.warmChangedAt[i] = ++this.warmClock;
    this.dyn.loadingModel[i] = m;
    this.dyn.loadingRemainingMs[i] = m >= 0 ? remainingMs : 0;
    if (atMs !== undefined) this.dyn.reportedAtMs[i] = atMs;
  }

  /** Applies one report (by node id or index). Unknown model ids in the lists are ignored. */
  report(node: string | number, t: NodeTelemetry, atMs: number): void {
    const i = typeof node === 'number' ? node : this.nodeIndex(node);
    if (i < 0 || i >= this.topology.n) return;
    const d = this.dyn;
    if (t.healthy !== undefined) d.healthy[i] = t.healthy ? 1 : 0;
    if (t.running !== undefined) d.running[i] = t.running;
    if (t.queued !== undefined) d.queued[i] = t.queued;
    if (t.meanServiceMs !== undefined) d.meanServiceMs[i] = t.meanServiceMs;
    if (t.resident || t.hostRam || t.localDisk) this.replaceHoldings(i, t);
    if (t.loading !== undefined) {
      const m = t.loading === null ? -1 : this.modelIndex(t.loading.model);
      this.setLoading(i, m, t.loading?.remainingMs ?? 0);
    }
    d.reportedAtMs[i] = atMs;
  }

  /** Overwrites the RTT between two metros with a measured value (ms). Unknown metros are ignored. */
  setMetroRtt(from: string, to: string, ms: number): void {
    const mt = this.topology.metros;
    const a = mt.index.get(from);
    const b = mt.index.get(to);
    const mn = mt.nodeMetroCount;
    if (a === undefined || b === undefined) return;
    if (b < mn) this.setCell(a * mn + b, ms);
    if (a < mn) this.setCell(b * mn + a, ms);
  }

  /**
   * Replaces the geo model with learned coordinates (e.g. Vivaldi) for every metro pair that has a host in
   * `coords`: `hostOfMetro` maps metro ids to host numbers of `coords`.
   */
  useCoordinates(coords: NetworkCoordinates, hostOfMetro: ReadonlyMap<string, number>): void {
    const mt = this.topology.metros;
    const mn = mt.nodeMetroCount;
    for (let a = 0; a < mt.ids.length; a++) {
      const ha = hostOfMetro.get(mt.ids[a]!);
      if (ha === undefined) continue;
      for (let b = 0; b < mn; b++) {
        const hb = hostOfMetro.get(mt.ids[b]!);
        if (hb !== undefined) this.setCell(a * mn + b, coords.predictMs(ha, hb));
      }
    }
  }

  /**
   * Node `i`'s speed factors as given, not learned: prefill, decode and load (every storage tier) time
   * over the catalog's, with no spread (the simulator's clairvoyant reference, told the truth).
   */
  setSpeedFactors(i: number, prefill: number, decode: number, load: number): void {
    const d = this.dyn;
    d.prefillFactor[i] = prefill;
    d.decodeFactor[i] = decode;
    for (let t = 0; t < 3; t++) d.loadFactor[i * 3 + t] = load;
    d.speedSpread[i] = 0;
  }

  /**
   * Client→node round trips from `source` instead of the learner, in the views taken from now on (the
   * simulator's clairvoyant reference: the true round trips). Hosts are numbered as the learner's.
   */
  useRttSource(source: NonNullable<NetworkView['learnedRtt']>): void {
    this.rttSource = source;
  }

  /** A learned extra RTT for node `i` over its metro's (e.g. its Vivaldi height), ms. */
  setRttOffset(i: number, ms: number): void {
    // Set again with each of the node's reports, nearly always to the value it has: only a change makes
    // the next refresh copy the RTT arrays.
    if (this.dyn.rttOffsetMs[i] === ms) return;
    this.dyn.rttOffsetMs[i] = ms;
    this.rttVersion++;
  }

  /** A new view of the current telemetry, taken at `nowMs`. */
  snapshot(nowMs: number): Snapshot {
    this.learning.release(nowMs);
    const dyn = cloneDynamics(this.dyn);
    const warm = buildWarmIndex(this.topology, dyn, this.residents);
    const view: Snapshot = {
      topology: this.topology,
      nowMs,
      dyn,
      warm: warm.byMetro,
      warmBySpeed: warm.bySpeed,
      sent: new Int32Array(this.topology.n),
      loadsAhead: new Int32Array(this.topology.n).fill(-1),
      evictionMemo: new Float64Array(this.topology.n).fill(Number.NaN),
      cells: buildModelCells(this.topology, dyn),
      learnedRtt: this.rttSource ?? this.learning.rtt,
    };
    this.copied.set(view, { tier: this.tierVersion, rtt: this.rttVersion, warm: this.warmClock });
    return view;
  }

  /**
   * Refreshes `view` (from `snapshot` of this state) to the current telemetry, allocating only in
   * proportion to the nodes that changed: the per-node arrays are copied, the RTT table only when it
   * changed since the view's last copy, the tier and exclusion matrices only in the rows of nodes whose
   * tiers or exclusions changed (whole when more than 1 in 16 did), the warm index is patched for the
   * nodes whose warm set changed (rebuilt in place when more than 1 in 16 did, or on the first refresh),
   * and the router's own sends (and the loads it started) start again from none.
   */
  refresh(snapshot: Snapshot, nowMs: number): Snapshot {
    const view = snapshot as Writable;
    const seen = this.copied.get(view);
    const tiers = seen === undefined || seen.tier !== this.tierVersion;
    const rtts = seen === undefined || seen.rtt !== this.rttVersion;
    const change = seen === undefined ? undefined : this.warmChange(view, seen.warm);
    // Few nodes changed tiers: copy their rows of the tier and exclusion matrices, not the matrices.
    const rows = seen !== undefined && tiers ? this.changedSince(this.tierChangedAt, seen.tier) : undefined;
    this.learning.release(nowMs);
    copyDynamics(this.dyn, view.dyn, tiers && rows === undefined, rtts);
    if (rows !== undefined) {
      const m = this.topology.models.count;
      for (const i of rows) {
        view.dyn.tier.set(this.dyn.tier.subarray(i * m, (i + 1) * m), i * m);
        view.dyn.excluded.set(this.dyn.excluded.subarray(i * m, (i + 1) * m), i * m);
      }
      patchModelCells(this.topology, view.dyn, rows, view.cells);
    } else if (tiers) buildModelCells(this.topology, view.dyn, view.cells);
    this.copied.set(view, { tier: this.tierVersion, rtt: this.rttVersion, warm: this.warmClock });
    view.nowMs = nowMs;
    const index = { byMetro: view.warm, bySpeed: view.warmBySpeed };
    if (change === undefined) {
      const warm = buildWarmIndex(this.topology, view.dyn, this.residents, index);
      view.warm = warm.byMetro;
      view.warmBySpeed = warm.bySpeed;
    } else if (change.nodes.length > 0) {
      change.after = change.nodes.map((i) => {
        const out: number[] = [];
        warmModelsOf(this.topology, i, this.residents[i]!, this.dyn.loadingModel[i]!, out);
        return out;
      });
      patchWarmIndex(this.topology, index, change);
    }
    view.sent.fill(0);
    view.loadsAhead.fill(-1);
    view.evictionMemo.fill(Number.NaN);
    return view;
  }

  /**
   * Moves `view`'s clock to `nowMs` without new telemetry: the router decides later on the same snapshot,
   * so every report in it is older by the difference.
   */
  advance(view: Snapshot, nowMs: number): void {
    (view as Writable).nowMs = nowMs;
  }

  /**
   * Node `i` was seen failing by the router itself (a send that could not reach it): unhealthy here and in
   * `view` at once, until a report or `setHealthy` says otherwise.
   */
  markDown(view: Snapshot, i: number): void {
    this.dyn.healthy[i] = 0;
    view.dyn.healthy[i] = 0;
    view.evictionMemo.fill(Number.NaN);
  }

  /**
   * The nodes whose warm set changed since `view` was copied at warm clock `since`, with what they added
   * to its index then (from the view's own tier row and loading model); undefined when so many changed
   * that a rebuild is cheaper (more than 1 node in 16).
   */
  private warmChange(
    view: Snapshot,
    since: number,
  ): { nodes: number[]; before: number[][]; after: number[][] } | undefined {
    const m = this.topology.models.count;
    const nodes = this.changedSince(this.warmChangedAt, since);
    if (nodes === undefined) return undefined;
    const before = nodes.map((i) => {
      const resident: number[] = [];
      for (let k = 0; k < m; k++) if (view.dyn.tier[i * m + k] === TIER_GPU) resident.push(k);
      const out: number[] = [];
      warmModelsOf(this.topology, i, resident, view.dyn.loadingModel[i]!, out);
      return out;
    });
    return { nodes, before, after: [] };
  }

  /** Nodes whose stamp is past `since`, ascending; undefined when more than 1 node in 16 (a full copy is cheaper). */
  private changedSince(stamps: Float64Array, since: number): number[] | undefined {
    const n = this.topology.n;
    const nodes: number[] = [];
    for (let i = 0; i < n; i++) {
      if (stamps[i]! <= since) continue;
      if (nodes.length >= n / 16) return undefined;
      nodes.push(i);
    }
    return nodes;
  }

  private setCell(k: number, ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) return;
    this.dyn.metroRtt[k] = ms;
    this.dyn.metroRttMeasured[k] = 1;
    this.rttVersion++;
  }

  /** Each model's new tier is the fastest reported list holding it; a model missing from the list of its old tier drops out of it. */
  private replaceHoldings(i: number, t: NodeTelemetry): void {
    const m = this.topology.models.count;
    const lists = [t.resident, t.hostRam, t.localDisk];
    const sets = lists.map((list) =>
      list ? new Set(list.map((id) => this.modelIndex(id)).filter((k) => k >= 0)) : undefined,
    );
    for (let k = 0; k < m; k++) {
      let code = this.dyn.tier[i * m + k]!;
      const old = sets[code];
      if (old && !old.has(k)) code = TIER_CODES.remote;
      for (let c = 0; c < sets.length; c++) if (c < code && sets[c]?.has(k)) code = c;
      this.setTier(i, k, code);
    }
  }
}
