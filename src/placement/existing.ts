import { sameLabel } from '../model/label-codes.js';
import type { CapSet, PopularModel } from './instance.js';
import type { ExistingNode, PlacementInput, SiteInput } from './types.js';

/**
 * What the existing network already gives the placement instance: the warm coverage of each (demand,
 * model) pair, the provider diversity of the popular models, and the caps new sites must respect.
 */

/** Distinct domain values (up to 2) of existing warm replicas per (demand, model), within the threshold. */
export function existingCoverage(
  input: PlacementInput,
  domainOf: (n: ExistingNode) => number,
  modelIndex: ReadonlyMap<string, number>,
): { cnt: Uint8Array; d1: Int32Array } {
  const nM = input.models.length;
  const cnt = new Uint8Array(input.demand.length * nM);
  const d1 = new Int32Array(input.demand.length * nM).fill(-1);
  const byMetro = new Map<string, ExistingNode[]>();
  for (const n of input.existing) {
    if (n.warm.length === 0) continue;
    const list = byMetro.get(n.metro) ?? [];
    list.push(n);
    byMetro.set(n.metro, list);
  }
  input.demand.forEach((d, i) => {
    for (const [metro, nodes] of byMetro) {
      if (input.rtt(d.metro, metro) > input.options.thresholdMs) continue;
      for (const n of nodes) {
        const dom = domainOf(n);
        for (const id of n.warm) {
          const m = modelIndex.get(id);
          if (m === undefined) continue;
          const k = i * nM + m;
          if (cnt[k] === 0) {
            cnt[k] = 1;
            d1[k] = dom;
          } else if (cnt[k] === 1 && !sameLabel(d1[k]!, dom)) cnt[k] = 2;
        }
      }
    }
  });
  return { cnt, d1 };
}

/** The most popular models and the provider diversity their existing replicas already give. */
export function selectPopular(
  input: PlacementInput,
  providerOf: (n: ExistingNode) => number,
): { popular: PopularModel[]; base: number } {
  const { minProviders: q, popularShare, maxPopular, weight: lambda } = input.options.diversity;
  const total = input.models.reduce((s, m) => s + Math.max(0, m.popularity), 0);
  if (total <= 0 || q <= 0 || lambda <= 0 || maxPopular <= 0) return { popular: [], base: 0 };
  const order = input.models
    .map((m, i) => ({ i, p: Math.max(0, m.popularity) }))
    .filter((x) => x.p > 0)
    .sort((a, b) => b.p - a.p || a.i - b.i);
  const chosen: { i: number; p: number }[] = [];
  let cum = 0;
  for (const x of order) {
    if (chosen.length >= maxPopular || cum >= popularShare * total - 1e-12) break;
    chosen.push(x);
    cum += x.p;
  }
  const sum = chosen.reduce((s, x) => s + x.p, 0);
  const popular: PopularModel[] = [];
  let base = 0;
  for (const { i, p } of chosen) {
    const id = input.models[i]!.id;
    const existing = new Set<number>();
    for (const n of input.existing) if (n.warm.includes(id)) existing.add(providerOf(n));
    const weight = (lambda * p) / sum / q;
    base += weight * Math.min(q, existing.size);
    const need = q - existing.size;
    if (need > 0) popular.push({ model: i, weight, need, existing });
  }
  return { popular, base };
}

/** Per-dimension caps on how many new sites may share a value, from the existing nodes' counts. */
export function buildCaps(input: PlacementInput, newSites: readonly SiteInput[]): CapSet[] {
  const caps: CapSet[] = [];
  const N = input.existing.length;
  const K = input.options.add;
  for (const [dimension, share] of Object.entries(input.options.caps)) {
    const counts = new Map<string, number>();
    // Nodes and sites without the label belong to no value, so no cap applies to them.
    for (const n of input.existing) {
      const v = n.labels[dimension];
      if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const byValue = new Map<string, number[]>();
    newSites.forEach((s, i) => {
      const v = s.labels[dimension];
      if (!v) return;
      const list = byValue.get(v) ?? [];
      list.push(i);
      byValue.set(v, list);
    });
    for (const [value, sites] of byValue) {
      const have = counts.get(value) ?? 0;
      // A value with no node yet may always get one (otherwise tiny networks could add nothing).
      const limit = Math.max(have === 0 ? 1 : 0, Math.floor(share * (N + K) + 1e-9) - have);
      if (limit < Math.min(K, sites.length)) caps.push({ dimension, value, limit, sites });
    }
  }
  return caps;
}
