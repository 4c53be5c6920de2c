import { effectiveNumber } from '../stats/effective.js';
import { hhi } from '../stats/hhi.js';
import { type NakamotoThreshold, nakamotoAll } from '../stats/nakamoto.js';
import type { EncodedDimension } from './encode.js';

/** A set of members tied together by shared label values, directly or through other members. */
export interface DependencyCluster {
  members: number;
  share: number;
  /** Per dimension, the cluster's heaviest values (at most 3), heaviest first. */
  values: Record<string, string[]>;
}

export interface ClusterSummary {
  /** Dimensions whose shared values link members. */
  dimensions: string[];
  /** Clusters holding weight. */
  count: number;
  /**
   * Share of the weight on members with no value on any of the dimensions: "unknown", left out of the
   * clusters and their metrics (not one independent cluster each).
   */
  unknown: number;
  hhi: number;
  effective: number;
  nakamoto: Record<NakamotoThreshold, number>;
  /** The heaviest clusters, heaviest first. */
  largest: DependencyCluster[];
}

/**
 * Dimensions whose values are broad categories shared by large parts of any real network (a country, a
 * client implementation, a TEE vendor). Linking members through them ties almost everything into one
 * cluster (the Solana snapshot: 954 of 954 validators through DE and JitoLabs), so the default clusters
 * leave them out; they are still measured one by one, and `--cluster-dims` puts them back.
 */
export const BROAD_DIMENSIONS: readonly string[] = ['country', 'client', 'teeVendor'];

/** Whether two members share a value on the dimension (a dimension of distinct ids links nobody). */
function links(dim: EncodedDimension): boolean {
  let labelled = 0;
  for (let i = 0; i < dim.codes.length; i++) if (dim.codes[i]! >= 0) labelled++;
  return dim.values.length < labelled;
}

/**
 * The dimensions the dependency clusters link through by default: the analysed ones that name a shared
 * piece of infrastructure or administration (provider, ASN, datacenter, operator, upstream, any custom
 * dimension), without the broad ones and without those where no two members share a value (a validator
 * identity). All of them when nothing else is left.
 */
export function defaultClusterDimensions(dims: readonly EncodedDimension[]): string[] {
  const chosen = dims.filter((d) => !BROAD_DIMENSIONS.includes(d.name) && links(d)).map((d) => d.name);
  return chosen.length > 0 ? chosen : dims.map((d) => d.name);
}

function find(parent: Int32Array, i: number): number {
  let x = i;
  while (parent[x]! !== x) {
    parent[x] = parent[parent[x]!]!;
    x = parent[x]!;
  }
  return x;
}

/** Cluster root of every member: members are linked when they share any value on any of `dims`. */
export function clusterRoots(dims: readonly EncodedDimension[], n: number): Int32Array {
  const parent = new Int32Array(n);
  const size = new Int32Array(n).fill(1);
  for (let i = 0; i < n; i++) parent[i] = i;
  for (const dim of dims) {
    const first = new Int32Array(dim.values.length).fill(-1);
    for (let i = 0; i < n; i++) {
      const c = dim.codes[i]!;
      if (c < 0) continue;
      const f = first[c]!;
      if (f < 0) {
        first[c] = i;
        continue;
      }
      let a = find(parent, f);
      let b = find(parent, i);
      if (a === b) continue;
      if (size[a]! < size[b]!) [a, b] = [b, a];
      parent[b] = a;
      size[a]! += size[b]!;
    }
  }
  for (let i = 0; i < n; i++) parent[i] = find(parent, i);
  return parent;
}

/**
 * Joint dependency clusters (union-find over shared label values) and their concentration. Members with
 * no weight do not count, but still link others (a zero-stake node in two ASNs ties them together).
 * Members with no value on any of the dimensions are unknown, not clusters of their own.
 */
export function dependencyClusters(
  dims: readonly EncodedDimension[],
  weights: Float64Array,
  top = 5,
): ClusterSummary {
  const n = weights.length;
  const roots = clusterRoots(dims, n);
  const weightByRoot = new Float64Array(n);
  const countByRoot = new Int32Array(n);
  let total = 0;
  let unknown = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (w <= 0) continue;
    total += w;
    if (!dims.some((d) => d.codes[i]! >= 0)) {
      unknown += w;
      continue;
    }
    weightByRoot[roots[i]!]! += w;
    countByRoot[roots[i]!]!++;
  }
  const heavy: number[] = [];
  for (let r = 0; r < n; r++) if (weightByRoot[r]! > 0) heavy.push(r);
  heavy.sort((a, b) => weightByRoot[b]! - weightByRoot[a]! || a - b);
  const chosen = heavy.slice(0, Math.max(0, top));
  const values = heaviestValues(dims, roots, weights, chosen);
  return {
    dimensions: dims.map((d) => d.name),
    count: heavy.length,
    unknown: total === 0 ? 0 : unknown / total,
    hhi: hhi(weightByRoot),
    effective: effectiveNumber(weightByRoot),
    nakamoto: nakamotoAll(weightByRoot),
    largest: chosen.map((r, k) => ({
      members: countByRoot[r]!,
      share: weightByRoot[r]! / total,
      values: values[k]!,
    })),
  };
}

function heaviestValues(
  dims: readonly EncodedDimension[],
  roots: Int32Array,
  weights: Float64Array,
  chosen: readonly number[],
): Record<string, string[]>[] {
  const slot = new Int32Array(roots.length).fill(-1);
  chosen.forEach((r, k) => {
    slot[r] = k;
  });
  const byCode = chosen.map(() => dims.map((d) => new Float64Array(d.values.length)));
  for (let i = 0; i < roots.length; i++) {
    const k = slot[roots[i]!]!;
    if (k < 0) continue;
    const w = weights[i]!;
    for (let d = 0; d < dims.length; d++) {
      const c = dims[d]!.codes[i]!;
      if (c >= 0) byCode[k]![d]![c]! += w;
    }
  }
  return byCode.map((perDim) => {
    const out: Record<string, string[]> = {};
    dims.forEach((dim, d) => {
      out[dim.name] = topCodes(perDim[d]!, 3).map((c) => dim.values[c]!);
    });
    return out;
  });
}

/** Indices of the `k` largest positive entries, largest first (ties: lower index first). */
function topCodes(weights: Float64Array, k: number): number[] {
  const best: number[] = [];
  for (let c = 0; c < weights.length; c++) {
    const w = weights[c]!;
    if (w <= 0) continue;
    if (best.length === k && w <= weights[best[k - 1]!]!) continue;
    let at = best.length;
    while (at > 0 && weights[best[at - 1]!]! < w) at--;
    best.splice(at, 0, c);
    if (best.length > k) best.pop();
  }
  return best;
}
