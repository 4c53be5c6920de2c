import type { NetworkView } from '../network/view.js';
import type { Relaxation } from './decision.js';
import type { RouteQuery } from './query.js';
import type { Scratch } from './scratch.js';

/**
 * Independent fallbacks. Dimensions are the request's `constraints.independence.dimensions` (default
 * provider, operator, asn), held in `q.indepDims`; a subset of them is a bit mask over those positions.
 */

/** True when node `a` and node `b` share a value on any dimension of `mask`. */
export function sharesMasked(
  view: NetworkView,
  dims: Int32Array,
  dimCount: number,
  mask: number,
  a: number,
  b: number,
): boolean {
  const codes = view.topology.labels.codes;
  for (let k = 0; k < dimCount; k++) {
    if ((mask & (1 << k)) === 0) continue;
    const c = codes[dims[k]!]!;
    const ca = c[a]!;
    if (ca >= 0 && ca === c[b]) return true;
  }
  return false;
}

/** The next dimension position to drop from `mask`: first by the profile's `relax` order, then from the last. */
export function nextDrop(
  view: NetworkView,
  dims: Int32Array,
  dimCount: number,
  relax: readonly string[],
  mask: number,
): number {
  const index = view.topology.labels.dimIndex;
  for (const name of relax) {
    const d = index.get(name);
    for (let k = 0; k < dimCount; k++) if (dims[k] === d && mask & (1 << k)) return k;
  }
  for (let k = dimCount - 1; k >= 0; k--) if (mask & (1 << k)) return k;
  return -1;
}

/** Names of the dimensions in `full` but not in `mask`. */
export function droppedNames(
  view: NetworkView,
  dims: Int32Array,
  dimCount: number,
  full: number,
  mask: number,
): string[] {
  const out: string[] = [];
  for (let k = 0; k < dimCount; k++)
    if (full & ~mask & (1 << k)) out.push(view.topology.labels.dims[dims[k]!]!);
  return out;
}

/** True when candidate position `k` shares a value on `mask` with the primary or a chosen fallback. */
function clashes(
  view: NetworkView,
  q: RouteQuery,
  s: Scratch,
  mask: number,
  k: number,
  primary: number,
  chosen: number[],
): boolean {
  const i = s.cands[k]!;
  if (sharesMasked(view, q.indepDims, q.indepCount, mask, i, s.cands[primary]!)) return true;
  for (let c = 0; c < chosen.length; c++) {
    if (sharesMasked(view, q.indepDims, q.indepCount, mask, i, s.cands[chosen[c]!]!)) return true;
  }
  return false;
}

/**
 * Cheapest untaken candidate position independent (on `mask`) of the primary and every chosen fallback,
 * or -1. Takes the cheapest untaken one and checks it, setting clashing ones aside (taken = 2) until one
 * fits, so the common case is one scan and one check; the set-aside marks are cleared before returning.
 */
function cheapest(
  view: NetworkView,
  q: RouteQuery,
  s: Scratch,
  count: number,
  mask: number,
  primary: number,
  chosen: number[],
): number {
  let found = -1;
  let setAside = 0;
  for (;;) {
    let best = -1;
    for (let k = 0; k < count; k++) {
      if (s.taken[k] !== 0) continue;
      if (best < 0 || s.costs[k]! < s.costs[best]!) best = k;
    }
    if (best < 0) break;
    if (mask === 0 || !clashes(view, q, s, mask, best, primary, chosen)) {
      found = best;
      break;
    }
    s.taken[best] = 2;
    setAside++;
  }
  if (setAside > 0) for (let k = 0; k < count; k++) if (s.taken[k] === 2) s.taken[k] = 0;
  return found;
}

/**
 * Chooses up to `q.fallbacks` fallback positions (ordered, cheapest first) into `chosen`. With
 * `independent`, no two of primary and fallbacks share a value on the request's dimensions; when no
 * candidate allows that, dimensions are dropped one at a time in the profile's `relax` order and each
 * relaxation is recorded. With `ranked`, fallbacks are simply the next cheapest. Returns true when every
 * slot was filled without relaxing.
 */
export function chooseFallbacks(
  view: NetworkView,
  q: RouteQuery,
  s: Scratch,
  count: number,
  primary: number,
  independent: boolean,
  relax: readonly string[],
  chosen: number[],
  relaxations: Relaxation[],
): boolean {
  s.taken.fill(0, 0, count);
  s.taken[primary] = 1;
  const full = independent ? (1 << q.indepCount) - 1 : 0;
  let complete = true;
  for (let slot = 1; slot <= q.fallbacks; slot++) {
    let mask = full;
    let pos = cheapest(view, q, s, count, mask, primary, chosen);
    while (pos < 0 && mask !== 0) {
      mask &= ~(1 << nextDrop(view, q.indepDims, q.indepCount, relax, mask));
      pos = cheapest(view, q, s, count, mask, primary, chosen);
    }
    if (pos < 0) {
      complete = false;
      relaxations.push(shortOfFallbacks(slot, q.fallbacks));
      break;
    }
    if (mask !== full) {
      complete = false;
      const dropped = droppedNames(view, q.indepDims, q.indepCount, full, mask);
      relaxations.push({
        slot: `fallback ${slot}`,
        dropped,
        reason: `no qualifying candidate is independent on every dimension; allowed to share ${dropped.join(', ')}`,
      });
    }
    s.taken[pos] = 1;
    chosen.push(pos);
  }
  return complete;
}

/** The relaxation "only slot − 1 of `wanted` fallbacks", one frozen object per pair (made once, then shared). */
const shortOf = new Map<number, Relaxation>();
const NONE_DROPPED: readonly string[] = Object.freeze([]);

function shortOfFallbacks(slot: number, wanted: number): Relaxation {
  const key = wanted * 65_536 + slot;
  let r = shortOf.get(key);
  if (r === undefined) {
    r = Object.freeze({
      slot: `fallback ${slot}`,
      dropped: NONE_DROPPED,
      reason: `only ${slot - 1} of ${wanted} fallbacks: no other qualifying candidate`,
    });
    shortOf.set(key, r);
  }
  return r;
}
