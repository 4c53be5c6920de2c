import { TIER_GPU, TIER_LOCAL_DISK } from '../network/dynamics.js';
import { CELL_TIER } from '../network/model-cells.js';
import { ACCEL_COUNT } from '../network/models.js';
import { type NetworkView, telemetryAgeMs } from '../network/view.js';
import { coldStartMs, fastestSourceGBps, memoryDrainMs, startWaitMs, transferMs } from './cold-start.js';
import { dataFetchMs } from './data-fetch.js';
import type { EstimateQuery } from './query.js';
import { queueWaitMs } from './queue.js';
import { networkRttMs } from './rtt.js';
import { decodeMs, prefillMs, serviceMs } from './service.js';
import { queueSpreadMs, staleness, uncertaintyMs } from './staleness.js';

/**
 * The estimate terms of one candidate node, read from a view. Each function is one term in ms; they
 * allocate nothing, so scorers call them per candidate on the hot path.
 */

/**
 * Client → node round trip learned from samples, or -1 when the router has not learned this pair (or the
 * profile turns learning off): the caller then reads the metro table.
 */
export function learnedRttMs(view: NetworkView, q: EstimateQuery, i: number): number {
  const r = view.learnedRtt;
  if (r === undefined || q.clientMetro < 0 || !q.params.learn) return -1;
  const host = view.topology.n + q.clientMetro;
  return r.learnedMs(host, i);
}

/** Client → node round trip: learned when known, else the metro table (or the model) plus the node's offset. */
export function rttTerm(view: NetworkView, q: EstimateQuery, i: number): number {
  const learned = learnedRttMs(view, q, i);
  if (learned >= 0) return learned;
  const t = view.topology;
  const mn = t.metros.nodeMetroCount;
  const nm = t.nodeMetro[i]!;
  const base =
    q.clientMetro >= 0 ? view.dyn.metroRtt[q.clientMetro * mn + nm]! : t.rtt(q.client, t.metros.points[nm]!);
  return networkRttMs(base, view.dyn.rttOffsetMs[i]!);
}

/** Whether the RTT to node `i` comes from a measured or learned value rather than the geo model. */
export function rttMeasured(view: NetworkView, q: EstimateQuery, i: number): boolean {
  if (q.clientMetro < 0) return false;
  const mn = view.topology.metros.nodeMetroCount;
  return view.dyn.metroRttMeasured[q.clientMetro * mn + view.topology.nodeMetro[i]!] === 1;
}

/** Relative error of the RTT term: the learned pair's Vivaldi error, else measured or geo-model error. */
export function rttError(view: NetworkView, q: EstimateQuery, i: number): number {
  const p = q.params;
  const prior = rttMeasured(view, q, i) ? p.measuredRttError : p.geoRttError;
  const r = view.learnedRtt;
  if (r === undefined || q.clientMetro < 0 || !p.learn) return prior;
  return r.relativeError(view.topology.n + q.clientMetro, i, prior);
}

/** Learned factor on node `i`'s catalog prefill time (1 with learning off). */
function prefillFactor(view: NetworkView, q: EstimateQuery, i: number): number {
  return q.params.learn ? view.dyn.prefillFactor[i]! : 1;
}

/** Learned factor on node `i`'s catalog decode time (1 with learning off). */
function decodeFactor(view: NetworkView, q: EstimateQuery, i: number): number {
  return q.params.learn ? view.dyn.decodeFactor[i]! : 1;
}

/**
 * Prefill + decode at the batch the request would join (running + own sends + itself), the catalog's
 * times multiplied by the node's learned factors.
 */
export function serviceTerm(view: NetworkView, q: EstimateQuery, i: number): number {
  const t = view.topology;
  const k = q.model * ACCEL_COUNT + t.accel[i]!;
  const slots = t.slots[i]!;
  const load = view.dyn.running[i]! + view.sent[i]! + 1;
  const batch = Math.min(load, slots);
  const m = t.models;
  return serviceMs(
    q.inputTokens,
    q.outputTokens,
    m.prefillMsPer1k[k]! * prefillFactor(view, q, i),
    m.decodeMsPerToken[k]! * decodeFactor(view, q, i),
    m.decodeSlope[k]!,
    batch,
    q.costFactor * t.timeFactor(q.model, i),
  );
}

/** The catalog's prefill of the request on node `i` at factor 1, ms (what a learned prefill factor multiplies). */
export function catalogPrefillMs(view: NetworkView, q: EstimateQuery, i: number): number {
  const k = q.model * ACCEL_COUNT + view.topology.accel[i]!;
  return prefillMs(
    view.topology.models.prefillMsPer1k[k]!,
    q.inputTokens,
    q.costFactor * view.topology.timeFactor(q.model, i),
  );
}

/** The catalog's ms per output token on node `i` (its device count included) in a batch of `batch`, at factor 1. */
export function catalogDecodeMsPerToken(
  view: NetworkView,
  q: EstimateQuery,
  i: number,
  batch: number,
): number {
  const k = q.model * ACCEL_COUNT + view.topology.accel[i]!;
  const m = view.topology.models;
  return decodeMs(
    m.decodeMsPerToken[k]!,
    m.decodeSlope[k]!,
    1,
    batch,
    q.costFactor * view.topology.timeFactor(q.model, i),
  );
}

/** Mean service time of the requests ahead: the node's report, else this request's own estimate. */
function aheadServiceMs(view: NetworkView, q: EstimateQuery, i: number): number {
  const reported = view.dyn.meanServiceMs[i]!;
  return reported > 0 ? reported : serviceTerm(view, q, i);
}

/** Queue wait, with the reported queue drained by the report's age and this router's sends added. */
export function queueTerm(view: NetworkView, q: EstimateQuery, i: number): number {
  const d = view.dyn;
  return queueWaitMs(
    view.topology.slots[i]!,
    d.running[i]!,
    d.queued[i]!,
    view.sent[i]!,
    aheadServiceMs(view, q, i),
    telemetryAgeMs(view, i),
    q.params.queueDrainShare,
  );
}

/** True when another node in `i`'s metro has model `m` resident (a peer to copy the weights from). */
export function hasPeer(view: NetworkView, m: number, i: number): boolean {
  const t = view.topology;
  const b = m * t.metros.nodeMetroCount + t.nodeMetro[i]!;
  const cells = view.cells;
  const column = m * t.n;
  for (let k = view.warm.start[b]!, end = view.warm.start[b + 1]!; k < end; k++) {
    const j = view.warm.items[k]!;
    if (j !== i && (cells[column + j]! & CELL_TIER) === TIER_GPU && view.dyn.healthy[j] === 1) return true;
  }
  return false;
}

/** Remaining time of the load in progress on node `i` (any model), aged by the report's age. */
function loadRemainingMs(view: NetworkView, i: number): number {
  if (view.dyn.loadingModel[i]! < 0) return 0;
  const left = view.dyn.loadingRemainingMs[i]! - telemetryAgeMs(view, i);
  return Math.max(left, 0);
}

/** Whether the request's model fits in node `i`'s memory beside what is resident and loading (no eviction). */
export function loadFits(view: NetworkView, q: EstimateQuery, i: number): boolean {
  const t = view.topology;
  const loading = view.dyn.loadingModel[i]!;
  const used = view.dyn.usedGb[i]! + (loading >= 0 && loading !== q.model ? t.models.weightsGb[loading]! : 0);
  return loading === q.model || used + t.models.weightsGb[q.model]! <= t.memGb[i]!;
}

/**
 * Cold start: 0 when resident; the rest of the load when loading; else wait for a load in progress +
 * evict (after the running requests free the memory, when the weights do not fit) + load from the
 * fastest source.
 */
export function coldStartTerm(view: NetworkView, q: EstimateQuery, i: number): number {
  const t = view.topology;
  const d = view.dyn;
  const m = q.model;
  const tier = view.cells[m * t.n + i]! & CELL_TIER;
  if (tier === TIER_GPU) return 0;
  const busy = loadRemainingMs(view, i);
  const loading = d.loadingModel[i]!;
  if (loading === m) return busy;
  const weights = t.models.weightsGb[m]!;
  // A load that must evict waits for the running requests to free the memory first.
  const evict = loadFits(view, q, i)
    ? 0
    : q.params.evictMs + memoryDrainMs(d.running[i]!, aheadServiceMs(view, q, i));
  const peer = hasPeer(view, m, i) ? q.params.peerGBps : 0;
  // A learned load factor f on a tier's time is that tier's bandwidth divided by f.
  const lf = d.loadFactor;
  const learn = q.params.learn;
  const GBps = fastestSourceGBps(
    tier,
    learn ? t.hostRamGBps[i]! / lf[i * 3]! : t.hostRamGBps[i]!,
    learn ? t.localDiskGBps[i]! / lf[i * 3 + 1]! : t.localDiskGBps[i]!,
    learn ? t.remoteGBps[i]! / lf[i * 3 + 2]! : t.remoteGBps[i]!,
    peer,
  );
  return coldStartMs(weights, GBps, busy, evict);
}

/**
 * What a load on node `i` that must evict costs the others, ms (0 when the request's model fits beside
 * what is resident): for each model resident there that no other healthy node in `i`'s metro holds
 * resident, the time to load it back on `i` from its disk. The next requests for it there would pay that
 * load, or go farther. Exact on a node that holds one model (the one evicted); on a node that holds
 * several it charges for all, an upper bound where the least recently used alone would make room. Not a
 * term of the request's own completion time: the `completion-time` scorer adds it to the candidate's cost
 * when the profile's `estimate.priceEvictions` is on.
 */
export function evictionPriceMs(view: NetworkView, q: EstimateQuery, i: number): number {
  if (loadFits(view, q, i)) return 0;
  // The request's model is not resident here (a load is needed), so the sum does not depend on it.
  const memo = view.evictionMemo;
  const known = memo[i]!;
  if (!Number.isNaN(known)) return known;
  const t = view.topology;
  const M = t.models.count;
  const tier = view.dyn.tier;
  const row = i * M;
  const GBps = fastestSourceGBps(TIER_LOCAL_DISK, 0, t.localDiskGBps[i]!, t.remoteGBps[i]!, 0);
  let ms = 0;
  // The resident models' weights add up to `usedGb`: the scan stops once all of them are found.
  let left = view.dyn.usedGb[i]! - 1e-9;
  for (let x = 0; x < M && left > 0; x++) {
    if (tier[row + x] !== TIER_GPU) continue;
    const gb = t.models.weightsGb[x]!;
    left -= gb;
    if (!hasPeer(view, x, i)) ms += transferMs(gb, GBps);
  }
  memo[i] = ms;
  return ms;
}

/**
 * Bringing the request's dataset (or its query) from the cheapest healthy holder: one round trip plus the
 * transfer over the WAN, or over the metro's LAN (`peerGBps`) from a holder in the same metro. 0 without a
 * dataset or on the holder itself.
 */
export function dataFetchTerm(view: NetworkView, q: EstimateQuery, i: number): number {
  if (q.dataset < 0) return 0;
  const t = view.topology;
  const h = t.datasets.holders;
  const mn = t.metros.nodeMetroCount;
  const gb = t.datasets.moveGb[q.dataset]!;
  let best = Number.POSITIVE_INFINITY;
  for (let k = h.start[q.dataset]!, end = h.start[q.dataset + 1]!; k < end; k++) {
    const j = h.items[k]!;
    if (j === i) return 0;
    if (view.dyn.healthy[j] !== 1) continue;
    const from = t.nodeMetro[j]!;
    const to = t.nodeMetro[i]!;
    const GBps = from === to ? q.params.peerGBps : q.params.wanGBps;
    const ms = dataFetchMs(false, view.dyn.metroRtt[from * mn + to]!, gb, GBps);
    if (ms < best) best = ms;
  }
  return best;
}

/**
 * Spread of a service (and load) time from the node's learned speed: the relative spread of its learned
 * factors times the time (0 before any evidence or with learning off).
 */
function speedSpreadMs(view: NetworkView, q: EstimateQuery, i: number, ms: number): number {
  return q.params.learn ? view.dyn.speedSpread[i]! * ms : 0;
}

/**
 * Spread of the estimate from stale telemetry, the RTT source, the learned speed's uncertainty and the
 * queue wait's own spread (`queueSpreadMs`).
 */
export function uncertaintyTerm(view: NetworkView, q: EstimateQuery, i: number): number {
  const d = view.dyn;
  const age = telemetryAgeMs(view, i);
  const s = staleness(age, q.params.staleTauMs);
  let reported = 0;
  if (s > 0) {
    const fresh = queueWaitMs(
      view.topology.slots[i]!,
      d.running[i]!,
      d.queued[i]!,
      0,
      aheadServiceMs(view, q, i),
      0,
      0,
    );
    reported = fresh + (d.loadingModel[i]! >= 0 ? d.loadingRemainingMs[i]! : 0);
  }
  const speed = speedSpreadMs(view, q, i, serviceTerm(view, q, i) + coldStartTerm(view, q, i));
  const queue = queueSpreadMs(queueTerm(view, q, i), aheadServiceMs(view, q, i), view.topology.slots[i]!);
  return uncertaintyMs(s, reported, rttTerm(view, q, i), rttError(view, q, i)) + speed + queue;
}

/** Every term of one candidate, in ms. */
export interface EstimateTerms {
  rttMs: number;
  queueMs: number;
  coldStartMs: number;
  serviceMs: number;
  dataFetchMs: number;
  /** The expected completion time: the terms summed, queue and cold start overlapping when the load fits. */
  totalMs: number;
  uncertaintyMs: number;
}

export function emptyTerms(): EstimateTerms {
  return { rttMs: 0, queueMs: 0, coldStartMs: 0, serviceMs: 0, dataFetchMs: 0, totalMs: 0, uncertaintyMs: 0 };
}

/** Fills `out` with every term of candidate `i` and returns it. */
export function estimateTerms(
  view: NetworkView,
  q: EstimateQuery,
  i: number,
  out: EstimateTerms,
): EstimateTerms {
  out.rttMs = rttTerm(view, q, i);
  out.queueMs = queueTerm(view, q, i);
  out.coldStartMs = coldStartTerm(view, q, i);
  out.serviceMs = serviceTerm(view, q, i);
  out.dataFetchMs = dataFetchTerm(view, q, i);
  const wait = startWaitMs(out.queueMs, out.coldStartMs, out.coldStartMs > 0 && loadFits(view, q, i));
  out.totalMs = out.rttMs + wait + out.serviceMs + out.dataFetchMs;
  out.uncertaintyMs = uncertaintyTerm(view, q, i);
  return out;
}

/**
 * Expected completion time of candidate `i`, in ms: RTT + the wait to start (queue and cold start,
 * overlapping when the load fits beside what is resident: `startWaitMs`) + service + data fetch.
 */
export function estimateTotalMs(view: NetworkView, q: EstimateQuery, i: number): number {
  return rttTerm(view, q, i) + waitTerm(view, q, i) + serviceTerm(view, q, i) + dataFetchTerm(view, q, i);
}

/** Wait before the request starts on node `i`: queue and cold start, overlapping when the load fits. */
export function waitTerm(view: NetworkView, q: EstimateQuery, i: number): number {
  const cold = coldStartTerm(view, q, i);
  return startWaitMs(queueTerm(view, q, i), cold, cold > 0 && loadFits(view, q, i));
}
