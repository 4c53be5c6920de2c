import type { EstimateParams } from '../estimate/params.js';
import type { Topology } from '../network/topology.js';
import type { Relaxation } from './decision.js';
import { RouteQuery } from './query.js';

/**
 * Reusable per-policy buffers, sized for one topology: the candidate list and its costs, marks for
 * de-duplication (an epoch stamp per node, so nothing is cleared between requests), and the compiled
 * query. Routing is synchronous, so one set per policy is enough.
 */
export class Scratch {
  readonly topology: Topology;
  readonly cands: Int32Array;
  readonly costs: Float64Array;
  /** One scorer's output before weighting; also estimate totals on the deadline path. */
  readonly part: Float64Array;
  /** Per candidate position: taken as primary / fallback in this decision. */
  readonly taken: Uint8Array;
  readonly mark: Uint32Array;
  readonly query: RouteQuery;
  /** Candidates removed per filter (index as in the policy) in this decision. */
  readonly removed: Int32Array;
  /** 1 for a filter that threw in this decision (its removals are reported as a plugin failure). */
  readonly filterFailed: Uint8Array;
  /** Time spent per plugin (filters, scorers, picker), ms, when timing is asked for. */
  readonly timing: Float64Array;
  /** Dimension indexes on which verifiers must differ from the executor (the profile's, present in the topology). */
  readonly verifyDims: Int32Array;
  /** Per-decision lists, emptied at the start of each decision and copied out only when non-empty. */
  readonly fallbackPos: number[] = [];
  readonly verifiers: number[] = [];
  readonly verifierMs: number[] = [];
  readonly relaxations: Relaxation[] = [];
  readonly warnings: string[] = [];
  private epoch = 0;

  constructor(
    topology: Topology,
    filterCount: number,
    pluginCount: number,
    params: EstimateParams,
    verifyDimensions: readonly string[],
  ) {
    const n = Math.max(1, topology.n);
    this.topology = topology;
    this.cands = new Int32Array(n);
    this.costs = new Float64Array(n);
    this.part = new Float64Array(n);
    this.taken = new Uint8Array(n);
    this.mark = new Uint32Array(n);
    this.query = new RouteQuery(params);
    this.removed = new Int32Array(filterCount);
    this.filterFailed = new Uint8Array(filterCount);
    this.timing = new Float64Array(pluginCount);
    this.verifyDims = Int32Array.from(
      verifyDimensions.map((d) => topology.labels.dimIndex.get(d) ?? -1).filter((k) => k >= 0),
    );
  }

  /** Empties the per-decision lists. */
  reset(): void {
    empty(this.fallbackPos);
    empty(this.verifiers);
    empty(this.verifierMs);
    empty(this.relaxations);
    empty(this.warnings);
    this.removed.fill(0);
    this.filterFailed.fill(0);
  }

  /** Removed candidates by reason, for receipts and error messages. */
  removedByReason(reasons: readonly string[], names: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (let f = 0; f < reasons.length; f++) {
      const n = this.removed[f]!;
      if (n === 0) continue;
      const reason = this.filterFailed[f] ? `plugin failure (filter "${names[f]}")` : reasons[f]!;
      out.set(reason, (out.get(reason) ?? 0) + n);
    }
    return out;
  }

  /** A fresh stamp for `mark` (node i is "in" when mark[i] equals it). */
  nextEpoch(): number {
    if (this.epoch === 0xffffffff) {
      this.mark.fill(0);
      this.epoch = 0;
    }
    return ++this.epoch;
  }
}

/**
 * Empties `list` and keeps its storage: `length = 0` releases it, so the next decision's first push
 * allocates it again (with two fallbacks a decision, once per decision).
 */
function empty(list: unknown[]): void {
  while (list.length > 0) list.pop();
}
