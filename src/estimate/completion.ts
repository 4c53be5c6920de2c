import { deviceTimeFactor } from '../model/catalog/derive.js';
import { TIER_GPU } from '../network/dynamics.js';
import { CELL_TIER } from '../network/model-cells.js';
import { ACCEL_COUNT } from '../network/models.js';
import type { NetworkView } from '../network/view.js';
import { coldStartTerm, dataFetchTerm, evictionPriceMs, loadFits, rttError } from './candidate.js';
import { startWaitMs } from './cold-start.js';
import type { EstimateQuery } from './query.js';
import { queueWaitMs } from './queue.js';
import { networkRttMs } from './rtt.js';
import { serviceMs } from './service.js';
import { queueSpreadMs, staleness, uncertaintyMs } from './staleness.js';

/**
 * The completion cost of many candidates at once: `out[k]` = expected completion time of node
 * `candidates[k]` plus `risk` × its uncertainty (plus, with `priceEvictions`, what its load's eviction
 * costs others: `evictionPriceMs`, where the cost is not already twice the best), in ms, for k < count.
 * Equals `estimateTotalMs(…) + risk × uncertaintyTerm(…)` (+ the price) per candidate, with the same
 * arithmetic in the same order (so the same bits), but computing the shared parts (RTT, service time,
 * age) once per candidate and reading the view's arrays and the request's fields once per call instead of
 * once per candidate: this is the `completion-time` scorer's hot path, a few dozen candidates per decision.
 */
export function completionCosts(
  view: NetworkView,
  q: EstimateQuery,
  candidates: ArrayLike<number>,
  count: number,
  risk: number,
  out: Float64Array,
): void {
  const t = view.topology;
  const d = view.dyn;
  const p = q.params;
  const m = t.models;
  const model = q.model;
  const learn = p.learn;
  // The request's side, fixed for every candidate.
  const row = q.clientMetro >= 0 ? q.clientMetro * t.metros.nodeMetroCount : -1;
  const host = t.n + q.clientMetro;
  const learner = view.learnedRtt !== undefined && q.clientMetro >= 0 && learn ? view.learnedRtt : undefined;
  const perf = model * ACCEL_COUNT;
  const inputTokens = q.inputTokens;
  const outputTokens = q.outputTokens;
  const costFactor = q.costFactor;
  const drainShare = p.queueDrainShare;
  const tauMs = p.staleTauMs;
  const nowMs = view.nowMs;
  const column = model * t.n;
  const hasData = q.dataset >= 0;
  const priceEvictions = p.priceEvictions;
  if (priceEvictions && evicting.length < count)
    evicting = new Int32Array(Math.max(count, 2 * evicting.length));
  let evictingCount = 0;
  // The view's arrays, read once.
  const nodeMetro = t.nodeMetro;
  const points = t.metros.points;
  const accel = t.accel;
  const slotsOf = t.slots;
  const devices = t.devices;
  const perfDevices = m.perfDevices;
  const prefillPer1k = m.prefillMsPer1k;
  const decodePerToken = m.decodeMsPerToken;
  const decodeSlope = m.decodeSlope;
  const metroRtt = d.metroRtt;
  const measured = d.metroRttMeasured;
  const rttOffset = d.rttOffsetMs;
  const runningOf = d.running;
  const queuedOf = d.queued;
  const meanService = d.meanServiceMs;
  const reportedAt = d.reportedAtMs;
  const cells = view.cells;
  const prefillFactor = d.prefillFactor;
  const decodeFactor = d.decodeFactor;
  const speedSpread = d.speedSpread;
  const loadingModel = d.loadingModel;
  const loadingRemaining = d.loadingRemainingMs;
  const sentOf = view.sent;
  for (let c = 0; c < count; c++) {
    const i = candidates[c]!;
    // RTT: one table cell (client metro known) or the model from the client's coordinates.
    const nm = nodeMetro[i]!;
    const cell = row >= 0 ? row + nm : -1;
    const base = cell >= 0 ? metroRtt[cell]! : t.rtt(q.client, points[nm]!);
    const learnedRtt = learner !== undefined ? learner.learnedMs(host, i) : -1;
    const rtt = learnedRtt >= 0 ? learnedRtt : networkRttMs(base, rttOffset[i]!);
    // Service at the batch the request would join.
    const a = accel[i]!;
    const k = perf + a;
    const slots = slotsOf[i]!;
    const running = runningOf[i]!;
    const sent = sentOf[i]!;
    const load = running + sent + 1;
    const stated = perfDevices[k]!;
    const timeFactor = stated === 0 ? 1 : deviceTimeFactor(stated, devices[i]!);
    const service = serviceMs(
      inputTokens,
      outputTokens,
      learn ? prefillPer1k[k]! * prefillFactor[i]! : prefillPer1k[k]!,
      learn ? decodePerToken[k]! * decodeFactor[i]! : decodePerToken[k]!,
      decodeSlope[k]!,
      Math.min(load, slots),
      costFactor * timeFactor,
    );
    const reported = meanService[i]!;
    const ahead = reported > 0 ? reported : service;
    const age = Math.max(nowMs - reportedAt[i]!, 0);
    const queued = queuedOf[i]!;
    const queue = queueWaitMs(slots, running, queued, sent, ahead, age, drainShare);
    const cold = (cells[column + i]! & CELL_TIER) === TIER_GPU ? 0 : coldStartTerm(view, q, i);
    const data = hasData ? dataFetchTerm(view, q, i) : 0;
    const fits = cold > 0 && loadFits(view, q, i);
    const wait = cold > 0 ? startWaitMs(queue, cold, fits) : queue;
    if (priceEvictions && cold > 0 && !fits) evicting[evictingCount++] = c;
    const total = rtt + wait + service + data;
    if (risk === 0) {
      out[c] = total;
      continue;
    }
    const s = staleness(age, tauMs);
    let reportedMs = 0;
    if (s > 0) {
      reportedMs =
        queueWaitMs(slots, running, queued, 0, ahead, 0, 0) +
        (loadingModel[i]! >= 0 ? loadingRemaining[i]! : 0);
    }
    const err =
      learnedRtt >= 0
        ? rttError(view, q, i)
        : cell >= 0 && measured[cell] === 1
          ? p.measuredRttError
          : p.geoRttError;
    const speed = learn ? speedSpread[i]! * (service + cold) : 0;
    out[c] =
      total + risk * (uncertaintyMs(s, reportedMs, rtt, err) + speed + queueSpreadMs(queue, ahead, slots));
  }
  if (evictingCount > 0) addEvictionPrices(view, q, candidates, count, out, evictingCount);
}

/** Positions (in the call's candidates) whose load must evict, for `addEvictionPrices`; grown as needed. */
let evicting = new Int32Array(64);

/**
 * Adds the eviction price to the cost of the first `n` positions of `evicting`, except where the cost is
 * already twice the best or more: such a candidate is not near being chosen, and the price would only
 * raise it further (working the price out reads the node's whole tier row).
 */
function addEvictionPrices(
  view: NetworkView,
  q: EstimateQuery,
  candidates: ArrayLike<number>,
  count: number,
  out: Float64Array,
  n: number,
): void {
  let best = Number.POSITIVE_INFINITY;
  for (let c = 0; c < count; c++) if (out[c]! < best) best = out[c]!;
  for (let k = 0; k < n; k++) {
    const c = evicting[k]!;
    if (out[c]! < 2 * best) out[c]! += evictionPriceMs(view, q, candidates[c]!);
  }
}

const ONE = new Int32Array(1);
const ONE_OUT = new Float64Array(1);

/**
 * Expected completion time of candidate `i` plus `risk` × its uncertainty, in ms: `completionCosts` of
 * one candidate. Equals `estimateTotalMs(…) + risk × uncertaintyTerm(…)`.
 */
export function completionCostMs(view: NetworkView, q: EstimateQuery, i: number, risk: number): number {
  ONE[0] = i;
  completionCosts(view, q, ONE, 1, risk, ONE_OUT);
  return ONE_OUT[0]!;
}
