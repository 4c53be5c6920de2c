import { Heap } from '../util/heap.js';
import { buildInstance, type Instance, instanceOfSubset, reduceInstance } from './hitting-set-instance.js';
import { type Rows, rowCount, rowsOf } from './rows.js';
import { FRESH, type Scratch } from './scratch.js';

/**
 * Smallest hitting set. Each element lists the sets (small integers) that hit it, e.g. a replica lists
 * the domain values it depends on; the task is to pick the fewest sets so that every element is hit.
 *
 * First reduced (dominated sets dropped, equal elements merged; see hitting-set-instance.ts), then solved
 * exactly by branch and bound (branch on the sets hitting one not-yet-hit element, prune with a packing
 * lower bound) within a work budget; otherwise the best answer found, at worst greedy's with the sets it
 * does not need dropped, which is at most H(k) = 1 + 1/2 + … + 1/k times the optimum, k being the most
 * elements one set hits (Chvátal 1979), and the returned `lowerBound` bounds the optimum from below on
 * this instance. An answer as small as that bound is exact however the search ended.
 */
export interface HittingSetResult {
  /** Chosen sets, in the order picked. */
  sets: number[];
  /** True when `sets` is proven smallest. */
  exact: boolean;
  /** No hitting set is smaller than this. */
  lowerBound: number;
  /** Elements no set hits (an empty list); they are left out of the problem. */
  unhittable: number;
}

export interface HittingSetOptions {
  /** Work units (element and label visits) the exact search may spend; default 500,000. */
  budget?: number;
  /** The caller guarantees no two elements list the same sets (skips de-duplication). */
  distinct?: boolean;
  /** Where large temporary arrays come from; a reusing one saves allocating them on every call. */
  scratch?: Scratch;
  /** `minHittingSetOfSubset`: `impliedSets(source)`, which lets it leave those sets out early. */
  implied?: Uint8Array;
}

/**
 * Greedy: repeatedly take the set hitting the most elements not yet hit (ties: lowest index). Lazy: a
 * set's gain only falls, so a stale heap entry is re-queued with its current gain before being trusted.
 */
function greedy(inst: Instance, scratch: Scratch): number[] {
  const { elements, hits } = inst;
  const hit = scratch.zeroedUint8('greedy.hit', rowCount(elements));
  const gain = new Int32Array(inst.ids.length);
  // Highest gain first (gains pushed negated), ties to the lower set index.
  const heap = new Heap(gain.length);
  for (let s = 0; s < gain.length; s++) {
    gain[s] = hits.start[s + 1]! - hits.start[s]!;
    heap.push(-gain[s]!, s, s);
  }
  let left = hit.length;
  const chosen: number[] = [];
  while (left > 0 && heap.pop()) {
    const g = -heap.poppedKey;
    const s = heap.poppedValue;
    if (g !== gain[s]) {
      if (gain[s]! > 0) heap.push(-gain[s]!, s, s);
      continue;
    }
    chosen.push(s);
    for (let k = hits.start[s]!; k < hits.start[s + 1]!; k++) {
      const e = hits.items[k]!;
      if (hit[e]) continue;
      hit[e] = 1;
      left--;
      for (let j = elements.start[e]!; j < elements.start[e + 1]!; j++) gain[elements.items[j]!]!--;
    }
  }
  return chosen;
}

/**
 * `chosen` without the sets it does not need: in the order picked, a set is dropped when every element it
 * hits is also hit by another set still chosen. Greedy's early picks are the ones this finds: a set taken
 * for its size (a big country) before the sets that were needed anyway (every provider) hits nothing
 * they leave uncovered. Those left are a hitting set in which each set is needed.
 */
function withoutRedundant(inst: Instance, chosen: readonly number[], scratch: Scratch): number[] {
  const { start, items } = inst.hits;
  const times = scratch.zeroedInt32('redundant.times', rowCount(inst.elements));
  // An element listing a set twice is in its hit list twice, side by side: counted once.
  const add = (s: number, by: number) => {
    for (let k = start[s]!; k < start[s + 1]!; k++)
      if (k === start[s] || items[k] !== items[k - 1]) times[items[k]!]! += by;
  };
  for (const s of chosen) add(s, 1);
  const kept: number[] = [];
  for (const s of chosen) {
    let needed = false;
    for (let k = start[s]!; k < start[s + 1]! && !needed; k++) if (times[items[k]!] === 1) needed = true;
    if (needed) kept.push(s);
    else add(s, -1);
  }
  return kept;
}

/**
 * Elements that share no set with each other each need a set of their own: their count is a lower bound.
 * Counting stops at `enough` (the caller only needs to know whether the bound reaches it); elements
 * before `firstOpen` must all be covered.
 */
function packingBound(
  inst: Instance,
  covered: Int32Array,
  used: Uint8Array,
  enough = Number.POSITIVE_INFINITY,
  firstOpen = 0,
): number {
  const { start, items } = inst.elements;
  used.fill(0);
  let bound = 0;
  for (let e = firstOpen; e < covered.length && bound < enough; e++) {
    if (covered[e]! > 0) continue;
    let free = true;
    for (let k = start[e]!; k < start[e + 1]!; k++) if (used[items[k]!]) free = false;
    if (!free) continue;
    bound++;
    for (let k = start[e]!; k < start[e + 1]!; k++) used[items[k]!] = 1;
  }
  return bound;
}

export function minHittingSet(
  elements: readonly (readonly number[])[],
  options: HittingSetOptions = {},
): HittingSetResult {
  const built = buildInstance(rowsOf(elements), options.distinct ?? false);
  return solve(built.inst, built.unhittable, options.budget);
}

/**
 * `minHittingSet` over the rows of `source` listed in `subset`, in that order: each must be non-empty,
 * sorted by set id (ids ≥ 0) and distinct from the others, which skips those checks and a copy.
 */
export function minHittingSetOfSubset(
  source: Rows,
  subset: Int32Array,
  options: Pick<HittingSetOptions, 'budget' | 'scratch' | 'implied'> = {},
): HittingSetResult {
  const scratch = options.scratch ?? FRESH;
  return solve(instanceOfSubset(source, subset, scratch, options.implied), 0, options.budget, scratch);
}

function solve(
  built: Instance,
  unhittable: number,
  budgetOption: number | undefined,
  scratch: Scratch = FRESH,
): HittingSetResult {
  const inst = reduceInstance(built, scratch);
  const { start, items } = inst.elements;
  const hits = inst.hits;
  const count = rowCount(inst.elements);
  if (count === 0) return { sets: [], exact: true, lowerBound: 0, unhittable };
  let best = withoutRedundant(inst, greedy(inst, scratch), scratch);
  const covered = scratch.zeroedInt32('search.covered', count);
  const used = new Uint8Array(inst.ids.length);
  const rootBound = packingBound(inst, covered, used);
  let budget = budgetOption ?? 500_000;
  const packingCost = items.length;
  let exhausted = false;
  const stack: number[] = [];
  const cover = (s: number, by: number) => {
    for (let k = hits.start[s]!; k < hits.start[s + 1]!; k++) covered[hits.items[k]!]! += by;
  };

  // Once the incumbent meets the root's bound it is proven smallest and the search stops.
  let proven = false;
  const search = (): void => {
    if (budget <= 0) {
      exhausted = true;
      return;
    }
    budget -= count + packingCost;
    const open = covered.indexOf(0);
    if (open < 0) {
      if (stack.length < best.length) best = [...stack];
      proven = best.length <= rootBound;
      return;
    }
    const needed = best.length - stack.length;
    // At the root nothing is covered yet: the bound is the one already computed.
    const bound = stack.length === 0 ? rootBound : packingBound(inst, covered, used, needed, open);
    if (bound >= needed) return;
    for (let k = start[open]!; k < start[open + 1]!; k++) {
      const s = items[k]!;
      stack.push(s);
      cover(s, 1);
      search();
      cover(s, -1);
      stack.pop();
      if (exhausted || proven) return;
    }
  };
  if (rootBound < best.length) search();
  const exact = !exhausted || best.length <= rootBound;
  return {
    sets: best.map((s) => inst.ids[s]!),
    exact,
    lowerBound: exact ? best.length : rootBound,
    unhittable,
  };
}
