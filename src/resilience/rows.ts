import { FRESH, type Scratch } from './scratch.js';

/**
 * Lists of small integers in compressed rows: row r is `items[start[r] .. start[r + 1])`. The hitting set
 * keeps its elements and hit lists this way, so a large instance is a few typed arrays instead of tens of
 * thousands of small arrays.
 */
export interface Rows {
  /** `count + 1` offsets into `items`, starting at 0. */
  start: Int32Array;
  items: Int32Array;
}

export function rowCount(rows: Rows): number {
  return rows.start.length - 1;
}

/** Rows from plain lists, in the same order. */
export function rowsOf(lists: readonly (readonly number[])[]): Rows {
  const start = new Int32Array(lists.length + 1);
  lists.forEach((list, r) => {
    start[r + 1] = start[r]! + list.length;
  });
  const items = new Int32Array(start[lists.length]!);
  lists.forEach((list, r) => {
    items.set(list, start[r]!);
  });
  return { start, items };
}

/** Copies row `r` to `to[at ..]` and returns the offset just after it. */
function copyRow(rows: Rows, r: number, to: Int32Array, at: number): number {
  let out = at;
  for (let k = rows.start[r]!; k < rows.start[r + 1]!; k++) to[out++] = rows.items[k]!;
  return out;
}

/**
 * The rows reordered by length, shortest first; rows of equal length keep their order (stable). Rows
 * already in that order come back as they are (not copied).
 */
export function sortRowsByLength(rows: Rows): Rows {
  const n = rowCount(rows);
  let longest = 0;
  let ordered = true;
  for (let r = 0; r < n; r++) {
    const length = rows.start[r + 1]! - rows.start[r]!;
    if (length < longest) ordered = false;
    else longest = length;
  }
  if (ordered) return rows;
  for (let r = 0; r < n; r++) longest = Math.max(longest, rows.start[r + 1]! - rows.start[r]!);
  const firstOfLength = new Int32Array(longest + 2);
  for (let r = 0; r < n; r++) firstOfLength[rows.start[r + 1]! - rows.start[r]! + 1]!++;
  for (let k = 0; k <= longest; k++) firstOfLength[k + 1]! += firstOfLength[k]!;
  const order = new Int32Array(n);
  for (let r = 0; r < n; r++) order[firstOfLength[rows.start[r + 1]! - rows.start[r]!]!++] = r;
  const start = new Int32Array(n + 1);
  const items = new Int32Array(rows.items.length);
  for (let k = 0; k < n; k++) {
    const r = order[k]!;
    start[k + 1] = copyRow(rows, r, items, start[k]!);
  }
  return { start, items };
}

/**
 * The transpose: row `c` of the result lists, ascending, the rows that contain column `c` (a row
 * containing it twice is listed twice). Columns run from 0 to `columns − 1`; `sizes`, when known, is how
 * often each column occurs (saves a counting pass). The result's arrays come from `scratch` under the
 * names `out.start` and `out.items`.
 */
export function transposeRows(
  rows: Rows,
  columns: number,
  sizes?: Int32Array,
  scratch: Scratch = FRESH,
  out = 'transpose',
): Rows {
  const start = scratch.zeroedInt32(`${out}.start`, columns + 1);
  if (sizes === undefined) for (let k = 0; k < rows.items.length; k++) start[rows.items[k]! + 1]!++;
  else start.set(sizes, 1);
  for (let c = 0; c < columns; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, columns);
  const items = scratch.int32(`${out}.items`, rows.items.length);
  const n = rowCount(rows);
  for (let r = 0; r < n; r++) {
    for (let k = rows.start[r]!; k < rows.start[r + 1]!; k++) items[fill[rows.items[k]!]!++] = r;
  }
  return { start, items };
}

function sameRow(rows: Rows, a: number, b: number): boolean {
  const from = rows.start[a]!;
  const len = rows.start[a + 1]! - from;
  const other = rows.start[b]!;
  if (rows.start[b + 1]! - other !== len) return false;
  for (let k = 0; k < len; k++) if (rows.items[from + k] !== rows.items[other + k]) return false;
  return true;
}

/** The rows without repeats (same items in the same order); the first of equal rows stays, order kept. */
export function distinctRows(rows: Rows): Rows {
  const n = rowCount(rows);
  let size = 16;
  while (size < 2 * n) size *= 2;
  const mask = size - 1;
  // Open addressing: slot holds row + 1, 0 = empty.
  const table = new Int32Array(size);
  const keep = new Uint8Array(n);
  let kept = 0;
  let keptItems = 0;
  for (let r = 0; r < n; r++) {
    let h = 0x811c9dc5;
    for (let k = rows.start[r]!; k < rows.start[r + 1]!; k++) h = Math.imul(h ^ rows.items[k]!, 0x01000193);
    h ^= h >>> 15;
    let slot = h & mask;
    let duplicate = false;
    for (;;) {
      const other = table[slot]!;
      if (other === 0) break;
      if (sameRow(rows, other - 1, r)) {
        duplicate = true;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (duplicate) continue;
    table[slot] = r + 1;
    keep[r] = 1;
    kept++;
    keptItems += rows.start[r + 1]! - rows.start[r]!;
  }
  if (kept === n) return rows;
  const start = new Int32Array(kept + 1);
  const items = new Int32Array(keptItems);
  let k = 0;
  for (let r = 0; r < n; r++) {
    if (!keep[r]) continue;
    start[k + 1] = copyRow(rows, r, items, start[k]!);
    k++;
  }
  return { start, items };
}

/**
 * The rows restricted to the items marked in `keep`, without repeats (the first of equal rows stays) and
 * ordered by length (stable): `sortRowsByLength(distinctRows(filtered))` in two passes. The result's
 * arrays come from `scratch` under the names `out.start` and `out.items`.
 */
export function keepItemsDistinctByLength(
  rows: Rows,
  keep: Uint8Array,
  scratch: Scratch = FRESH,
  out = 'distinct',
): Rows {
  const n = rowCount(rows);
  const { start: from, items: source } = rows;
  const filtered = scratch.int32('keep.filtered', source.length);
  // Kept rows: where they start in `filtered` and their length.
  const rowAt = scratch.int32('keep.rowAt', n);
  const rowLength = scratch.int32('keep.rowLength', n);
  let size = 16;
  while (size < 2 * n) size *= 2;
  const mask = size - 1;
  // A slot holds kept row + 1 in its low `rowBits` bits (0 = empty) and the top bits of the row's hash
  // above them: one int32 per slot keeps the table small (it is probed once per row, at random), and rows
  // are compared only when those bits match.
  const rowBits = 32 - Math.clz32(n);
  const rowMask = rowBits === 32 ? -1 : (1 << rowBits) - 1;
  const table = scratch.zeroedInt32('keep.table', size);
  let kept = 0;
  let at = 0;
  let longest = 0;
  for (let r = 0; r < n; r++) {
    const begin = at;
    let h = 0x811c9dc5;
    for (let k = from[r]!; k < from[r + 1]!; k++) {
      const v = source[k]!;
      if (keep[v] !== 1) continue;
      filtered[at++] = v;
      h = Math.imul(h ^ v, 0x01000193);
    }
    h ^= h >>> 15;
    const length = at - begin;
    const tag = h >>> rowBits;
    let slot = h & mask;
    let duplicate = false;
    for (;;) {
      const entry = table[slot]!;
      if (entry === 0) break;
      const other = (entry & rowMask) - 1;
      if (entry >>> rowBits === tag && rowLength[other] === length) {
        const o = rowAt[other]!;
        let same = true;
        for (let k = 0; k < length && same; k++) if (filtered[o + k] !== filtered[begin + k]) same = false;
        if (same) {
          duplicate = true;
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (duplicate) {
      at = begin;
      continue;
    }
    table[slot] = (tag << rowBits) | (kept + 1);
    rowAt[kept] = begin;
    rowLength[kept] = length;
    if (length > longest) longest = length;
    kept++;
  }
  // Counting sort by length: rows of length l start at rowOf[l] (row index) and itemOf[l] (item offset).
  const rowOf = new Int32Array(longest + 2);
  for (let r = 0; r < kept; r++) rowOf[rowLength[r]! + 1]!++;
  const itemOf = new Int32Array(longest + 2);
  for (let l = 0; l <= longest; l++) {
    itemOf[l + 1] = itemOf[l]! + rowOf[l + 1]! * l;
    rowOf[l + 1]! += rowOf[l]!;
  }
  const start = scratch.int32(`${out}.start`, kept + 1);
  start[0] = 0;
  const items = scratch.int32(`${out}.items`, at);
  for (let r = 0; r < kept; r++) {
    const length = rowLength[r]!;
    const row = rowOf[length]!++;
    let out = itemOf[length]!;
    itemOf[length] = out + length;
    start[row + 1] = out + length;
    for (let k = rowAt[r]!, end = k + length; k < end; k++) items[out++] = filtered[k]!;
  }
  return { start, items };
}
