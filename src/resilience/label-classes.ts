import type { EncodedDimension } from './encode.js';
import type { Rows } from './rows.js';

/**
 * Members with identical values on every dimension fall into one class; the hitting set is solved over
 * classes, which are far fewer than members on real networks.
 */
export interface LabelClasses {
  /** Class of each member. */
  classOf: Int32Array;
  /** One member of each class (its first). */
  representative: Int32Array;
  /** The values of each class as domain ids (dimension offset + code), ascending; see `domainOffsets`. */
  domains: Rows;
}

/** Where each dimension's codes start in the numbering of all domains (dimension by dimension). */
export function domainOffsets(dims: readonly EncodedDimension[]): number[] {
  const offsets: number[] = [];
  let total = 0;
  for (const d of dims) {
    offsets.push(total);
    total += d.values.length;
  }
  return offsets;
}

export function labelClasses(dims: readonly EncodedDimension[], n: number): LabelClasses {
  let cls = new Int32Array(n);
  // Two arrays of class ids take turns (the one read, the one written) and one hash table serves every
  // dimension: fresh large arrays per dimension cost more than the hashing (zeroed, then page-faulted in).
  let spare = dims.length > 1 ? new Int32Array(n) : undefined;
  const table = new Int32Array(3 * tableSize(n));
  let count = 1;
  for (const dim of dims) {
    const next = spare ?? new Int32Array(n);
    count = pairIds(cls, dim.codes, next, table);
    spare = cls;
    cls = next;
  }
  const representative = new Int32Array(n === 0 ? 0 : count).fill(-1);
  for (let i = 0; i < n; i++) if (representative[cls[i]!]! < 0) representative[cls[i]!] = i;
  const offsets = domainOffsets(dims);
  const classes = representative.length;
  const start = new Int32Array(classes + 1);
  const items = new Int32Array(classes * dims.length);
  let at = 0;
  for (let c = 0; c < classes; c++) {
    const rep = representative[c]!;
    for (let k = 0; k < dims.length; k++) {
      const code = dims[k]!.codes[rep]!;
      if (code >= 0) items[at++] = offsets[k]! + code;
    }
    start[c + 1] = at;
  }
  return { classOf: cls, representative, domains: { start, items: items.subarray(0, at) } };
}

/** Slots of the pair table for `n` pairs: a power of two, at least twice as many. */
function tableSize(n: number): number {
  let size = 16;
  while (size < 2 * n) size *= 2;
  return size;
}

/**
 * Numbers the distinct pairs (a[i], b[i]) 0, 1, … in order of first appearance into `out` and returns
 * how many there are (open addressing over the pairs; no string or boxed keys). `table` holds at least
 * `tableSize(n)` slots of three int32s: the pair's id + 1 (0 = empty) and the pair, side by side so a
 * probe reads one cache line.
 */
function pairIds(a: Int32Array, b: Int32Array, out: Int32Array, table: Int32Array): number {
  const n = a.length;
  const size = tableSize(n);
  const mask = size - 1;
  table.fill(0, 0, 3 * size);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    let h = Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 1, 0x85ebca77);
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const id = table[3 * slot]!;
      if (id === 0) {
        table[3 * slot] = ++count;
        table[3 * slot + 1] = x;
        table[3 * slot + 2] = y;
        out[i] = count - 1;
        break;
      }
      if (table[3 * slot + 1] === x && table[3 * slot + 2] === y) {
        out[i] = id - 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return count;
}
