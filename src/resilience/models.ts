import type { EncodedDimension } from './encode.js';
import { minHittingSetOfSubset } from './hitting-set.js';
import { impliedSets } from './implied-sets.js';
import { domainOffsets, type LabelClasses, labelClasses } from './label-classes.js';
import type { Domain } from './member.js';
import type { ReplicaIndex } from './replicas.js';
import { FRESH, Scratch } from './scratch.js';

/** The smallest set of domain values whose loss takes out every replica in a group. */
export interface DomainCut {
  domains: Domain[];
  /** True when no smaller set exists; otherwise `domains` is the greedy answer. */
  exact: boolean;
  /** No smaller set can exist. */
  lowerBound: number;
  /** Replicas with no value on any analysed dimension: no domain loss takes them out. */
  unremovable: number;
}

export interface ModelResilience {
  model: string;
  warm: number;
  capable: number;
  /** Effective number (1/HHI) of providers among warm replicas, one per replica; 0 when none is warm. */
  effectiveProviders: number;
  effectiveAsns: number;
  warmCut: DomainCut;
  capableCut: DomainCut;
}

/** Effective number of distinct values among `indices` (one per member; no value = a group of its own). */
export function effectiveAmong(dim: EncodedDimension | undefined, indices: Int32Array): number {
  if (indices.length === 0) return 0;
  if (dim === undefined) return indices.length;
  const counts = new Float64Array(dim.values.length + 1);
  let singles = 0;
  for (let k = 0; k < indices.length; k++) {
    const c = dim.codes[indices[k]!]!;
    if (c < 0) singles++;
    else counts[c]!++;
  }
  // Members without a value are groups of one: add their squared shares (1 each) by hand.
  const n = indices.length;
  let sum = singles;
  for (let c = 0; c < counts.length; c++) sum += counts[c]! * counts[c]!;
  return (n * n) / sum;
}

/**
 * The values of one dimension as the cut, when that is proven smallest without the search: every class
 * carries the dimension (so losing its values removes them all), and as many classes share no value with
 * each other (each needs a value of its own). Typical of wide sets, where every provider is needed anyway
 * (12 providers for 100,000 capable nodes), and far cheaper than building the instance; `undefined`
 * otherwise. Of dimensions that qualify, the one listed first. `classList`: non-empty classes.
 */
function oneDimensionCut(
  dims: readonly EncodedDimension[],
  offsets: readonly number[],
  domains: LabelClasses['domains'],
  classList: Int32Array,
  scratch: Scratch,
): { sets: number[]; exact: true; lowerBound: number } | undefined {
  const { start, items } = domains;
  const total =
    offsets.length === 0 ? 0 : offsets[offsets.length - 1]! + dims[dims.length - 1]!.values.length;
  const seen = scratch.zeroedUint8('cut.values', total);
  const carrying = new Int32Array(dims.length);
  const distinct = new Int32Array(dims.length);
  let longest = 0;
  for (let j = 0; j < classList.length; j++) {
    const c = classList[j]!;
    longest = Math.max(longest, start[c + 1]! - start[c]!);
    let k = 0;
    for (let at = start[c]!; at < start[c + 1]!; at++) {
      const id = items[at]!;
      while (k + 1 < dims.length && offsets[k + 1]! <= id) k++;
      carrying[k]!++;
      if (seen[id] === 0) {
        seen[id] = 1;
        distinct[k]!++;
      }
    }
  }
  let best = -1;
  for (let k = 0; k < dims.length; k++)
    if (carrying[k] === classList.length && (best < 0 || distinct[k]! < distinct[best]!)) best = k;
  if (best < 0) return undefined;
  // Greedy packing, shortest classes first (they block fewest others): classes sharing no value.
  const used = scratch.zeroedUint8('cut.used', total);
  let packed = 0;
  for (let length = 1; length <= longest && packed < distinct[best]!; length++) {
    for (let j = 0; j < classList.length && packed < distinct[best]!; j++) {
      const c = classList[j]!;
      if (start[c + 1]! - start[c]! !== length) continue;
      let free = true;
      for (let at = start[c]!; at < start[c + 1]! && free; at++) if (used[items[at]!] === 1) free = false;
      if (!free) continue;
      packed++;
      for (let at = start[c]!; at < start[c + 1]!; at++) used[items[at]!] = 1;
    }
  }
  if (packed < distinct[best]!) return undefined;
  const sets: number[] = [];
  const from = offsets[best]!;
  for (let id = from; id < from + dims[best]!.values.length; id++) if (seen[id] === 1) sets.push(id);
  return { sets, exact: true, lowerBound: sets.length };
}

/**
 * Smallest set of values on `dims` whose loss removes every member in `indices`. `scratch` lends the
 * large temporary arrays (one reusing scratch serves all the cuts of an analysis); `implied`, when given,
 * is `impliedSets(classes.domains)` (values always seen with one other, like an ASN with its provider).
 */
export function domainCut(
  dims: readonly EncodedDimension[],
  classes: LabelClasses,
  indices: Int32Array,
  scratch: Scratch = FRESH,
  implied?: Uint8Array,
): DomainCut {
  const offsets = domainOffsets(dims);
  const classStart = classes.domains.start;
  const seen = scratch.zeroedUint8('cut.seen', classes.representative.length);
  const subset = scratch.int32('cut.subset', Math.min(indices.length, classes.representative.length));
  let elements = 0;
  let unhittable = 0;
  for (let j = 0; j < indices.length; j++) {
    const c = classes.classOf[indices[j]!]!;
    if (seen[c]) continue;
    seen[c] = 1;
    if (classStart[c + 1] === classStart[c]) unhittable++;
    else subset[elements++] = c;
  }
  const classList = subset.subarray(0, elements);
  const shortcut = oneDimensionCut(dims, offsets, classes.domains, classList, scratch);
  // Classes differ in some value, so their lists (ascending domain ids) are distinct.
  const result = shortcut ?? minHittingSetOfSubset(classes.domains, classList, { scratch, implied });
  let unremovable = 0;
  if (unhittable > 0) {
    for (const i of indices) if (dims.every((d) => d.codes[i]! < 0)) unremovable++;
  }
  return {
    domains: [...result.sets]
      .sort((a, b) => a - b)
      .map((id) => {
        let k = dims.length - 1;
        while (offsets[k]! > id) k--;
        const d = dims[k]!;
        return { dimension: d.name, value: d.values[id - offsets[k]!]! };
      }),
    exact: result.exact,
    lowerBound: result.lowerBound,
    unremovable,
  };
}

/** Warm and capable replicas of each model, their spread over providers and ASNs, and their domain cuts. */
export function modelResilience(
  dims: readonly EncodedDimension[],
  replicas: ReplicaIndex,
  n: number,
): ModelResilience[] {
  const classes = labelClasses(dims, n);
  const provider = dims.find((d) => d.name === 'provider');
  const asn = dims.find((d) => d.name === 'asn');
  const cuts = new Map<Int32Array, DomainCut>();
  const scratch = new Scratch();
  const implied = impliedSets(classes.domains);
  const cut = (indices: Int32Array) => {
    let c = cuts.get(indices);
    if (c === undefined) {
      c = domainCut(dims, classes, indices, scratch, implied);
      cuts.set(indices, c);
    }
    return c;
  };
  return replicas.models.map((model, p) => {
    const warm = replicas.warm[p]!;
    const capable = replicas.capable[p]!;
    return {
      model,
      warm: warm.length,
      capable: capable.length,
      effectiveProviders: effectiveAmong(provider, warm),
      effectiveAsns: effectiveAmong(asn, warm),
      warmCut: cut(warm),
      capableCut: cut(capable),
    };
  });
}
