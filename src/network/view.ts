import type { RttLearner } from '../learn/rtt-learner.js';
import type { RunBuckets } from './csr.js';
import type { Dynamics } from './dynamics.js';
import type { Topology } from './topology.js';

/**
 * A read-only snapshot of the network that the router decides on: the static topology, a copy of the
 * telemetry (`dyn`) taken at `nowMs`, and the warm index built from it.
 *
 * The one mutable part is `sent`: the requests this router has sent to each node since the snapshot
 * was taken, which the node has not reported yet. The engine bumps it at pick time so that a burst of
 * decisions on one stale view spreads out instead of herding onto one node. A new snapshot starts at zero.
 *
 * Typed arrays cannot be frozen; treat everything but `sent` as read-only.
 */
export interface NetworkView {
  readonly topology: Topology;
  /** Clock at which the snapshot was taken (ms, the caller's clock); ages are `nowMs - reportedAtMs`. */
  readonly nowMs: number;
  readonly dyn: Dynamics;
  /** Nodes with the model resident or loading, per `model × nodeMetroCount + metro`, fastest class first. */
  readonly warm: RunBuckets;
  /** The same nodes per model across every metro, fastest class first. */
  readonly warmBySpeed: RunBuckets;
  /** Requests this router sent per node since the snapshot (router-local, mutable). */
  readonly sent: Int32Array;
  /**
   * The model this router started loading on each node since the snapshot (−1: none), router-local and
   * mutable like `sent`: a second replica it asked for (routing/load-ahead.ts) counts until the next
   * snapshot shows the node loading.
   */
  readonly loadsAhead: Int32Array;
  /**
   * A memo of `evictionPriceMs` per node for this snapshot (NaN: not worked out yet): derived from the
   * tiers and health the snapshot holds, filled on first use, cleared when they change (refresh, markDown).
   */
  readonly evictionMemo: Float64Array;
  /**
   * `dyn.tier` and `dyn.excluded` transposed to `model × n + node` (src/network/model-cells.ts), for the
   * per-candidate reads of the hot path: one model's cells are contiguous.
   */
  readonly cells: Uint8Array;
  /**
   * Round trips learned from samples (hosts: node `i` = `i`, metro `k` = `topology.n + k`), read live:
   * it moves only by the owner's own observations. A pair it has not learned falls back to `dyn.metroRtt`.
   */
  readonly learnedRtt?: Pick<RttLearner, 'learned' | 'learnedMs' | 'predictMs' | 'relativeError'>;
}

/** Age in ms of node `i`'s telemetry in `view` (never negative). */
export function telemetryAgeMs(view: NetworkView, i: number): number {
  const age = view.nowMs - view.dyn.reportedAtMs[i]!;
  return Math.max(age, 0);
}

/** Number of nodes with model `m` resident or loading. */
export function warmCount(view: NetworkView, m: number): number {
  const mn = view.topology.metros.nodeMetroCount;
  return view.warm.start[(m + 1) * mn]! - view.warm.start[m * mn]!;
}
