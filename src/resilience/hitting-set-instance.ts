import {
  distinctRows,
  keepItemsDistinctByLength,
  type Rows,
  rowCount,
  sortRowsByLength,
  transposeRows,
} from './rows.js';
import { FRESH, type Scratch } from './scratch.js';

/**
 * The instance behind `minHittingSet`, in compact form, and its safe reductions: a set whose elements
 * are all hit by another set too can be dropped (any solution using it can use the other instead), and
 * elements that list the same sets are one element.
 */
export interface Instance {
  /** Distinct, non-empty elements as lists of compact set indices, shortest first. */
  elements: Rows;
  /** Elements each compact set hits, ascending. */
  hits: Rows;
  /** Compact set index → original set id. */
  ids: Int32Array;
  /** Some sets were left out of the elements, which may therefore repeat: the reduction must merge them. */
  unmerged?: boolean;
}

/** Sorts a short run of `items` in place (insertion sort: elements list a handful of sets). */
function sortRun(items: Int32Array, from: number, to: number): void {
  for (let k = from + 1; k < to; k++) {
    const v = items[k]!;
    let at = k;
    while (at > from && items[at - 1]! > v) {
      items[at] = items[at - 1]!;
      at--;
    }
    items[at] = v;
  }
}

/**
 * Compacts the elements (lists of set ids ≥ 0): each list sorted by id, empty lists counted as
 * unhittable and left out, repeats dropped unless the caller guarantees there are none (`distinct`), set
 * ids renumbered 0, 1, … in order of first appearance, elements ordered by length (stable).
 */
export function buildInstance(elements: Rows, distinct: boolean): { inst: Instance; unhittable: number } {
  const n = rowCount(elements);
  let unhittable = 0;
  for (let e = 0; e < n; e++) if (elements.start[e + 1] === elements.start[e]) unhittable++;
  const start = new Int32Array(n - unhittable + 1);
  const items = elements.items.slice();
  let at = 0;
  for (let e = 0; e < n; e++) {
    const from = elements.start[e]!;
    const to = elements.start[e + 1]!;
    if (from === to) continue;
    sortRun(items, from, to);
    start[at + 1] = start[at]! + (to - from);
    at++;
  }
  // Empty elements hold no items, so the others' items stay contiguous and in order in `items`.
  let rows: Rows = { start, items };
  if (!distinct) rows = distinctRows(rows);
  return { inst: instanceOfSubset(rows), unhittable };
}

/**
 * The compact instance whose elements are the rows of `source` listed in `subset` (default: every row),
 * in that order. Each of those rows must be non-empty, sorted by set id and distinct from the others.
 * Renaming, copying and counting the sets' sizes take one pass. With a reusing `scratch`, the instance
 * lives in its buffers (valid until the next instance built or reduced with it).
 *
 * `implied` (from `impliedSets(source)`) marks sets the reduction is bound to drop: each is listed only
 * together with a fixed lower set t, so over the subset t hits all it hits, and more, or the same with
 * the lower index (both first appear in one row, t before it). They keep their index but are left out
 * of the elements, which changes nothing else the reduction decides: a set they would dominate is
 * dominated by t too (by induction, t or what it leads to is kept). The elements then need merging
 * (`unmerged`). Done only when no row lists a set twice and the rows come in order of length (else the
 * order the reduction sees would differ); otherwise `implied` is ignored.
 */
export function instanceOfSubset(
  source: Rows,
  subset?: Int32Array,
  scratch: Scratch = FRESH,
  implied?: Uint8Array,
): Instance {
  const n = subset === undefined ? rowCount(source) : subset.length;
  const { start: from, items: sourceItems } = source;
  let total = 0;
  let maxId = -1;
  let previous = 0;
  let sorted = true;
  for (let e = 0; e < n; e++) {
    const r = subset === undefined ? e : subset[e]!;
    const length = from[r + 1]! - from[r]!;
    total += length;
    if (length < previous) sorted = false;
    previous = length;
    const last = sourceItems[from[r + 1]! - 1]!;
    if (last > maxId) maxId = last;
  }
  if (implied !== undefined && (!sorted || implied.length <= maxId)) implied = undefined;
  const compact = new Int32Array(maxId + 1).fill(-1);
  const ids = new Int32Array(maxId + 1);
  const sizes = new Int32Array(maxId + 1);
  let sets = 0;
  const start = scratch.int32('elements0.start', n + 1);
  start[0] = 0;
  const items = scratch.int32('elements0.items', total);
  let at = 0;
  let left = false;
  for (let e = 0; e < n; e++) {
    const r = subset === undefined ? e : subset[e]!;
    for (let k = from[r]!; k < from[r + 1]!; k++) {
      const s = sourceItems[k]!;
      let c = compact[s]!;
      if (c < 0) {
        c = sets++;
        compact[s] = c;
        ids[c] = s;
      }
      if (implied !== undefined) {
        if (k > from[r]! && sourceItems[k - 1] === s) return instanceOfSubset(source, subset, scratch);
        if (implied[s] === 1) {
          left = true;
          continue;
        }
      }
      sizes[c]!++;
      items[at++] = c;
    }
    start[e + 1] = at;
  }
  if (left) {
    const elements = { start, items: items.subarray(0, at) };
    return {
      elements,
      hits: transposeRows(elements, sets, sizes.subarray(0, sets), scratch, 'hits0'),
      ids: ids.slice(0, sets),
      unmerged: true,
    };
  }
  const elements = sortRowsByLength({ start, items });
  return {
    elements,
    hits: transposeRows(elements, sets, sizes.subarray(0, sets), scratch, 'hits0'),
    ids: ids.slice(0, sets),
  };
}

/**
 * Element lists over the sets still alive, equal ones merged, then ordered by length (stable). Round
 * `round` of the reduction writes to buffers of generation `round % 2` of `scratch`, so it never
 * overwrites the instance it reads (generation 0 holds the instance as built).
 */
function rebuild(inst: Instance, alive: Uint8Array, scratch: Scratch, round: number): Instance {
  const gen = round % 2;
  const elements = keepItemsDistinctByLength(inst.elements, alive, scratch, `elements${gen}`);
  return {
    elements,
    hits: transposeRows(elements, inst.ids.length, undefined, scratch, `hits${gen}`),
    ids: inst.ids,
  };
}

/** True when some element lists a set twice (its hit list then holds that element twice in a row). */
function hasRepeats(hits: Rows): boolean {
  for (let s = 0; s + 1 < hits.start.length; s++) {
    for (let k = hits.start[s]! + 1; k < hits.start[s + 1]!; k++)
      if (hits.items[k] === hits.items[k - 1]) return true;
  }
  return false;
}

/** True when element `e` lists set `t`. */
function lists(elements: Rows, e: number, t: number): boolean {
  for (let k = elements.start[e]!; k < elements.start[e + 1]!; k++) if (elements.items[k] === t) return true;
  return false;
}

/** True when every element set `s` hits also lists set `t`. */
function covers(inst: Instance, t: number, s: number): boolean {
  for (let k = inst.hits.start[s]!; k < inst.hits.start[s + 1]!; k++) {
    if (!lists(inst.elements, inst.hits.items[k]!, t)) return false;
  }
  return true;
}

/**
 * Drops dominated sets (ties: the higher index goes) and merges equal elements, until nothing changes.
 * Set indices keep their meaning; dropped sets hit nothing.
 *
 * When no element lists a set twice, one pass suffices. Let s and t survive it and every element hitting
 * s list t. When s was checked, t was alive (sets only die), so s stayed only because t > s and t hits
 * no more elements than s; then t hits exactly the elements s hits, and when t was checked, s (alive,
 * lower, listed by t's first element, hitting all t hits) dropped t: a contradiction. So no survivor is
 * covered by another, and rebuilding keeps that: an element lists a surviving set exactly when its merged
 * copy does. (Repeats break the counting step — an element counted twice in s's size — so then the
 * passes go on until one drops nothing.)
 */
export function reduceInstance(inst: Instance, scratch: Scratch = FRESH): Instance {
  let current = inst;
  for (let round = 1; ; round++) {
    const { elements, hits } = current;
    const sets = current.ids.length;
    const alive = new Uint8Array(sets);
    for (let s = 0; s < sets; s++) if (hits.start[s + 1]! > hits.start[s]!) alive[s] = 1;
    let dropped = 0;
    for (let s = 0; s < sets; s++) {
      if (!alive[s]) continue;
      const size = hits.start[s + 1]! - hits.start[s]!;
      const first = hits.items[hits.start[s]!]!;
      for (let k = elements.start[first]!; k < elements.start[first + 1]!; k++) {
        const t = elements.items[k]!;
        if (t === s || !alive[t]) continue;
        const bigger = hits.start[t + 1]! - hits.start[t]! > size;
        if ((bigger || t < s) && covers(current, t, s)) {
          alive[s] = 0;
          dropped++;
          break;
        }
      }
    }
    if (dropped === 0 && !(round === 1 && inst.unmerged === true)) return current;
    const last = round === 1 && !hasRepeats(current.hits);
    current = rebuild(current, alive, scratch, round);
    if (last) return current;
  }
}
