import { ACCEL_API } from './models.js';
import type { Topology } from './topology.js';

/** Where a model's weights sit on a node, fastest first. Codes of the tier matrix. */
export const TIER_GPU = 0;
export const TIER_HOST_RAM = 1;
export const TIER_LOCAL_DISK = 2;
/** Not held locally: fetched from the remote store (or a peer). */
export const TIER_REMOTE = 3;
export const TIER_CODES = {
  gpu: TIER_GPU,
  hostRam: TIER_HOST_RAM,
  localDisk: TIER_LOCAL_DISK,
  remote: TIER_REMOTE,
};

/**
 * The per-node telemetry a router decides on, in flat typed arrays indexed by the dense node index (and
 * `node × models + model` for the tier matrix). `NetworkState` owns one set; each view holds a copy.
 */
export interface Dynamics {
  /** 1 healthy, 0 down. */
  readonly healthy: Uint8Array;
  /** Requests running (in the batch) at the last report. */
  readonly running: Int32Array;
  /** Requests waiting in the node's queue at the last report. */
  readonly queued: Int32Array;
  /** Mean service time per request observed by the node, ms (0 = not reported). */
  readonly meanServiceMs: Float64Array;
  /** Time of the node's last report, ms on the caller's clock. */
  readonly reportedAtMs: Float64Array;
  /** `node × models + model` → TIER_* code. */
  readonly tier: Uint8Array;
  /**
   * `node × models + model` → 1 where the node must not get the model's requests although it claims to
   * serve it (it refused them: the coordinator's refusal penalty), else 0.
   */
  readonly excluded: Uint8Array;
  /** Accelerator memory in use by resident and loading models, GB. */
  readonly usedGb: Float64Array;
  /** Model being loaded into accelerator memory, or -1. */
  readonly loadingModel: Int32Array;
  /** Remaining load time at the last report, ms. */
  readonly loadingRemainingMs: Float64Array;
  /** Learned extra RTT of the node over its metro (e.g. a Vivaldi height), ms. */
  readonly rttOffsetMs: Float64Array;
  /** Metro RTT table, `metros × nodeMetroCount` (starts as the geo model; measured values overwrite it). */
  readonly metroRtt: Float64Array;
  /** 1 where `metroRtt` holds a measured or learned value rather than the geo model. */
  readonly metroRttMeasured: Uint8Array;
  /**
   * Learned factors on the catalog's times (1 = the catalog is right, 2 = twice as slow), written by
   * `NetworkLearning` from observed outcomes: prefill, decode, and load per `node × 3 + tier` (host RAM,
   * local disk, remote store).
   */
  readonly prefillFactor: Float64Array;
  readonly decodeFactor: Float64Array;
  readonly loadFactor: Float64Array;
  /** Relative one-sigma spread of the learned service factors (0 before any evidence). */
  readonly speedSpread: Float64Array;
  /** 1 where the router's trust ledger holds the node in quarantine (src/trust/ledger.ts), else 0. */
  readonly quarantined: Uint8Array;
  /** 1 where the ledger demotes the node (a low trust score, not quarantined; the `demoted` scorer), else 0. */
  readonly demoted: Uint8Array;
}

/**
 * Where each (node, model)'s weights sit at the start, `node × models + model` → TIER_* code: the fastest
 * tier among the node's holdings, TIER_GPU for every model a proxy (`api`) lists, TIER_REMOTE otherwise.
 * The router's telemetry and the simulator's truth both start from this.
 */
export function initialTiers(t: Topology): Uint8Array {
  const m = t.models.count;
  const tier = new Uint8Array(t.n * m).fill(TIER_REMOTE);
  t.nodes.forEach((node, i) => {
    for (const h of node.models) {
      const k = t.models.index.get(h.model);
      if (k === undefined) continue;
      const code = t.accel[i] === ACCEL_API ? TIER_GPU : TIER_CODES[h.tier];
      const cell = i * m + k;
      if (code < tier[cell]!) tier[cell] = code;
    }
  });
  return tier;
}

export function createDynamics(t: Topology): Dynamics {
  const n = t.n;
  const m = t.models.count;
  const tier = initialTiers(t);
  const usedGb = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (t.accel[i] === ACCEL_API) continue;
    for (let k = 0; k < m; k++) if (tier[i * m + k] === TIER_GPU) usedGb[i]! += t.models.weightsGb[k]!;
  }
  return {
    healthy: new Uint8Array(n).fill(1),
    running: new Int32Array(n),
    queued: new Int32Array(n),
    meanServiceMs: new Float64Array(n),
    reportedAtMs: new Float64Array(n),
    tier,
    excluded: new Uint8Array(n * m),
    usedGb,
    loadingModel: new Int32Array(n).fill(-1),
    loadingRemainingMs: new Float64Array(n),
    rttOffsetMs: new Float64Array(n),
    metroRtt: Float64Array.from(t.metros.baseRtt),
    metroRttMeasured: new Uint8Array(t.metros.baseRtt.length),
    prefillFactor: new Float64Array(n).fill(1),
    decodeFactor: new Float64Array(n).fill(1),
    loadFactor: new Float64Array(n * 3).fill(1),
    speedSpread: new Float64Array(n),
    quarantined: new Uint8Array(n),
    demoted: new Uint8Array(n),
  };
}

/** A fresh copy of `d` (a snapshot). */
export function cloneDynamics(d: Dynamics): Dynamics {
  return {
    healthy: d.healthy.slice(),
    running: d.running.slice(),
    queued: d.queued.slice(),
    meanServiceMs: d.meanServiceMs.slice(),
    reportedAtMs: d.reportedAtMs.slice(),
    tier: d.tier.slice(),
    excluded: d.excluded.slice(),
    usedGb: d.usedGb.slice(),
    loadingModel: d.loadingModel.slice(),
    loadingRemainingMs: d.loadingRemainingMs.slice(),
    rttOffsetMs: d.rttOffsetMs.slice(),
    metroRtt: d.metroRtt.slice(),
    metroRttMeasured: d.metroRttMeasured.slice(),
    prefillFactor: d.prefillFactor.slice(),
    decodeFactor: d.decodeFactor.slice(),
    loadFactor: d.loadFactor.slice(),
    speedSpread: d.speedSpread.slice(),
    quarantined: d.quarantined.slice(),
    demoted: d.demoted.slice(),
  };
}

/**
 * Copies `from` into `to` (same topology) without allocating. The tier and exclusion matrices (models ×
 * nodes bytes each) and the RTT arrays are copied only when asked: the caller knows whether they changed.
 */
export function copyDynamics(from: Dynamics, to: Dynamics, tiers: boolean, rtts: boolean): void {
  to.healthy.set(from.healthy);
  to.running.set(from.running);
  to.queued.set(from.queued);
  to.meanServiceMs.set(from.meanServiceMs);
  to.reportedAtMs.set(from.reportedAtMs);
  to.usedGb.set(from.usedGb);
  to.loadingModel.set(from.loadingModel);
  to.loadingRemainingMs.set(from.loadingRemainingMs);
  to.prefillFactor.set(from.prefillFactor);
  to.decodeFactor.set(from.decodeFactor);
  to.loadFactor.set(from.loadFactor);
  to.speedSpread.set(from.speedSpread);
  to.quarantined.set(from.quarantined);
  to.demoted.set(from.demoted);
  if (tiers) {
    to.tier.set(from.tier);
    to.excluded.set(from.excluded);
  }
  if (rtts) {
    to.rttOffsetMs.set(from.rttOffsetMs);
    to.metroRtt.set(from.metroRtt);
    to.metroRttMeasured.set(from.metroRttMeasured);
  }
}
