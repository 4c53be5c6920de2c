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
  let count = 1;
  for (const dim of dims) {
    const next = new Int32Array(n);
    count = pairIds(cls, dim.codes, next);
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

/**
 * Numbers the distinct pairs (a[i], b[i]) 0, 1, … in order of first appearance into `out` and returns
 * how many there are (open addressing over the pairs; no string or boxed keys).
 */
function pairIds(a: Int32Array, b: Int32Array, out: Int32Array): number {
  const n = a.length;
  let size = 16;
  while (size < 2 * n) size *= 2;
  const mask = size - 1;
  const keyA = new Int32Array(size);
  const keyB = new Int32Array(size);
  // id + 1 of the pair in each slot; 0 = empty.
  const slotId = new Int32Array(size);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    let h = Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 1, 0x85ebca77);
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const id = slotId[slot]!;
      if (id === 0) {
        keyA[slot] = x;
        keyB[slot] = y;
        slotId[slot] = ++count;
        out[i] = count - 1;
        break;
      }
      if (keyA[slot] === x && keyB[slot] === y) {
        out[i] = id - 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return count;
}
