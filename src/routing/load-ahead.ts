import {
  coldStartTerm,
  dataFetchTerm,
  loadFits,
  queueTerm,
  rttTerm,
  serviceTerm,
} from '../estimate/candidate.js';
import { TIER_GPU } from '../network/dynamics.js';
import { CELL_TIER } from '../network/model-cells.js';
import { ACCEL_API } from '../network/models.js';
import type { NetworkView } from '../network/view.js';
import type { RouteQuery } from './query.js';
import type { Scratch } from './scratch.js';

/** A second replica the router starts beside a decision (see `loadAhead`). */
export interface LoadAhead {
  /** Candidate position of the node to load the request's model on (in `s.cands`). */
  pos: number;
  /** The primary's queue wait that called for it, and the load's expected time, ms. */
  waitMs: number;
  loadMs: number;
}

/**
 * Whether to start a load of the request's model on a second node while the request goes to a warm,
 * busy primary, and where. The warm nodes' queue is the evidence that the model's capacity is short
 * there: once the primary's queue wait is at least `share` × the load's time, every request that keeps
 * arriving while the queue lasts waits about as long, and a node holding the model too would serve them
 * at once. The load is taken only where it costs no one else: on a candidate that survived the
 * filters, is not a hosted API, has no load in progress and has room for the weights beside what it
 * holds (no eviction). Among those, the node that would be fastest for this request once loaded, and
 * only if it would then beat the primary as it stands (queue included).
 *
 * Null when the primary is not warm (the request starts a load itself), when it does not wait, or when a
 * candidate already loads the model, as telemetry says or as this router started since the snapshot
 * (`view.loadsAhead`): one load at a time per model among the candidates.
 */
export function loadAhead(
  view: NetworkView,
  q: RouteQuery,
  s: Scratch,
  count: number,
  primary: number,
  primaryMs: number,
  share: number,
): LoadAhead | null {
  const t = view.topology;
  const d = view.dyn;
  const column = q.model * t.n;
  const p = s.cands[primary]!;
  if ((view.cells[column + p]! & CELL_TIER) !== TIER_GPU) return null;
  const waitMs = queueTerm(view, q, p);
  if (!(waitMs > 0)) return null;
  let best: LoadAhead | null = null;
  let bestMs = primaryMs;
  for (let k = 0; k < count; k++) {
    const i = s.cands[k]!;
    const loading = d.loadingModel[i]!;
    const started = view.loadsAhead[i]!;
    if (loading === q.model || started === q.model) return null;
    if (loading >= 0 || started >= 0 || (view.cells[column + i]! & CELL_TIER) === TIER_GPU) continue;
    if (t.accel[i] === ACCEL_API || !loadFits(view, q, i)) continue;
    const loadMs = coldStartTerm(view, q, i);
    if (waitMs < share * loadMs) continue;
    const warmMs =
      rttTerm(view, q, i) + queueTerm(view, q, i) + serviceTerm(view, q, i) + dataFetchTerm(view, q, i);
    if (warmMs < bestMs) {
      bestMs = warmMs;
      best = { pos: k, waitMs, loadMs };
    }
  }
  return best;
}

/** Why the router started a load beside a decision, in words with its numbers (for the record of the load). */
export function loadAheadReason(waitMs: number, loadMs: number): string {
  return `router: ${Math.round(waitMs)} ms queued at the warm primary, the load takes ${Math.round(loadMs)} ms`;
}
