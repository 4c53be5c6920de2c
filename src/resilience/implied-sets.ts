import { type Rows, rowCount } from './rows.js';

/**
 * Sets s such that every row listing s also lists one and the same lower set t < s (rows sorted by set
 * id), e.g. an ASN always seen with its provider: `implied[s] = 1`. Over any subset of these rows such a
 * set is dominated, so the hitting set's reduction always drops it (see `instanceOfSubset`): the domain
 * cuts leave it out of their rows from the start. At most the first 31 lower sets of a set's first row
 * are tried (a set missed this way is only reduced the usual way).
 */
export function impliedSets(rows: Rows): Uint8Array {
  const { start, items } = rows;
  let maxId = -1;
  for (let k = 0; k < items.length; k++) if (items[k]! > maxId) maxId = items[k]!;
  // Set s: the row it was first seen in, and which of that row's first items are still candidates.
  const firstRow = new Int32Array(maxId + 1).fill(-1);
  const candidates = new Int32Array(maxId + 1);
  const n = rowCount(rows);
  for (let r = 0; r < n; r++) {
    const begin = start[r]!;
    const end = start[r + 1]!;
    for (let k = begin; k < end; k++) {
      const s = items[k]!;
      const first = firstRow[s]!;
      if (first < 0) {
        firstRow[s] = r;
        let bits = 0;
        for (let j = 0; j < Math.min(k - begin, 31); j++) if (items[begin + j]! < s) bits |= 1 << j;
        candidates[s] = bits;
        continue;
      }
      let bits = candidates[s]!;
      if (bits === 0) continue;
      for (let j = 0; j < 31 && bits >>> j !== 0; j++) {
        if (((bits >>> j) & 1) === 0) continue;
        const t = items[start[first]! + j]!;
        let listed = false;
        for (let q = begin; q < end && !listed; q++) if (items[q] === t) listed = true;
        if (!listed) bits &= ~(1 << j);
      }
      candidates[s] = bits;
    }
  }
  const implied = new Uint8Array(maxId + 1);
  for (let s = 0; s <= maxId; s++) if (candidates[s] !== 0) implied[s] = 1;
  return implied;
}
