import type { CapSet, CompiledSite } from './instance.js';
import type { Guarantee, PlacementOptions } from './types.js';

/** Two index sets are laminar when they are disjoint or one contains the other. */
function laminarPair(a: readonly number[], b: readonly number[]): boolean {
  const sb = new Set(b);
  let common = 0;
  for (const x of a) if (sb.has(x)) common++;
  return common === 0 || common === a.length || common === b.length;
}

/**
 * The worst-case ratio greedy is guaranteed on this instance (docs/placement.md, "The greedy guarantee").
 * The objective is monotone submodular; "one bundle per site", "one node per group", K and the caps form a
 * laminar matroid when the cap sets are pairwise nested or disjoint → ½ (Fisher, Nemhauser & Wolsey
 * 1978). Crossing caps on p dimensions → an intersection of p matroids → 1/(p+1). A budget that can bind
 * (the K most expensive candidates exceed it) voids the guarantee.
 */
export function guaranteeFor(
  sites: readonly CompiledSite[],
  caps: readonly CapSet[],
  options: PlacementOptions,
): Guarantee {
  if (options.budgetUsd !== undefined) {
    const costs = sites
      .filter((s) => s.isNew)
      .map((s) => s.input.costUsdMonth)
      .sort((a, b) => b - a);
    const worst = costs.slice(0, options.add).reduce((s, c) => s + c, 0);
    if (worst > options.budgetUsd) {
      return { ratio: 0, reason: 'the budget can bind: no a-priori guarantee (see the gap to the LP bound)' };
    }
  }
  let laminar = true;
  for (let i = 0; i < caps.length && laminar; i++) {
    for (let j = i + 1; j < caps.length; j++) {
      if (caps[i]!.dimension !== caps[j]!.dimension && !laminarPair(caps[i]!.sites, caps[j]!.sites)) {
        laminar = false;
        break;
      }
    }
  }
  if (laminar) {
    return {
      ratio: 0.5,
      reason:
        'monotone submodular objective over a laminar matroid (one bundle per site, one node per group, K, nested caps): greedy ≥ 1/2 × optimum (Fisher, Nemhauser & Wolsey 1978)',
    };
  }
  const p = new Set(caps.map((c) => c.dimension)).size;
  return {
    ratio: 1 / (p + 1),
    reason: `caps on ${p} crossing dimensions: intersection of ${p} matroids, greedy ≥ 1/${p + 1} × optimum (Fisher, Nemhauser & Wolsey 1978)`,
  };
}
