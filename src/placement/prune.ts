import { canServe } from './coverage.js';
import type { PlacementModel, SiteInput } from './types.js';

/**
 * Drops candidate sites that can be left out without changing the optimum: sites that can keep no model
 * warm, and sites dominated by another site of the same group (same metro and labels): memory ≤, cost ≥
 * (both prices known) and servable models ⊆ the other's. Exact because a group opens at most one new node
 * (docs/placement.md). Keeps the input order of the survivors.
 */
export function pruneDominated(
  sites: readonly SiteInput[],
  models: readonly PlacementModel[],
  groupKey: (site: SiteInput) => string,
): { kept: SiteInput[]; pruned: number } {
  const servable = sites.map((s) => models.map((m) => canServe(s, m)));
  const groups = new Map<string, number[]>();
  sites.forEach((s, i) => {
    if (!servable[i]!.some(Boolean)) return;
    const key = groupKey(s);
    const list = groups.get(key) ?? [];
    list.push(i);
    groups.set(key, list);
  });
  const keep = new Uint8Array(sites.length);
  for (const members of groups.values()) {
    for (const i of members) {
      const dominated = members.some((j) => j !== i && dominates(sites, servable, j, i));
      if (!dominated) keep[i] = 1;
    }
  }
  const kept = sites.filter((_, i) => keep[i] === 1);
  return { kept, pruned: sites.length - kept.length };
}

/** Whether site j is at least as good as site i everywhere, and strictly better or earlier on a tie. */
function dominates(
  sites: readonly SiteInput[],
  servable: readonly boolean[][],
  j: number,
  i: number,
): boolean {
  const a = sites[j]!;
  const b = sites[i]!;
  const memA = Math.floor(a.memoryGb);
  const memB = Math.floor(b.memoryGb);
  // An unknown price may be higher or lower than any other: no dominance either way.
  if (a.priceUnknown || b.priceUnknown) return false;
  if (memA < memB || a.costUsdMonth > b.costUsdMonth) return false;
  const sa = servable[j]!;
  const sb = servable[i]!;
  let strictlyMore = false;
  for (let m = 0; m < sb.length; m++) {
    if (sb[m] && !sa[m]) return false;
    if (sa[m] && !sb[m]) strictlyMore = true;
  }
  const strictlyBetter = memA > memB || a.costUsdMonth < b.costUsdMonth || strictlyMore;
  return strictlyBetter || j < i;
}
