import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import {
  distinctRows,
  keepItemsDistinctByLength,
  type Rows,
  rowCount,
  rowsOf,
  sortRowsByLength,
  transposeRows,
} from './rows.js';

const lists = (rows: Rows): number[][] =>
  Array.from({ length: rowCount(rows) }, (_, r) => [
    ...rows.items.subarray(rows.start[r]!, rows.start[r + 1]!),
  ]);

describe('compressed rows', () => {
  it('round-trips plain lists, empty ones included', () => {
    expect(lists(rowsOf([[3, 1], [], [2]]))).toEqual([[3, 1], [], [2]]);
    expect(rowCount(rowsOf([]))).toBe(0);
  });

  it('orders rows by length and keeps the order of rows of equal length', () => {
    const rows = rowsOf([[9, 8, 7], [1], [5, 6], [2], [4, 3]]);
    expect(lists(sortRowsByLength(rows))).toEqual([[1], [2], [5, 6], [4, 3], [9, 8, 7]]);
  });

  it('returns rows already ordered by length as they are', () => {
    const rows = rowsOf([[1], [2, 3]]);
    expect(sortRowsByLength(rows)).toBe(rows);
  });

  it('transposes: column c lists the rows holding it, ascending, a row twice when it holds c twice', () => {
    const rows = rowsOf([[0, 2], [2], [1, 1], []]);
    expect(lists(transposeRows(rows, 4))).toEqual([[0], [2, 2], [0, 1], []]);
    expect(lists(transposeRows(rows, 4, Int32Array.from([1, 2, 2, 0])))).toEqual([[0], [2, 2], [0, 1], []]);
  });

  it('drops repeated rows and keeps the first of each', () => {
    const rows = rowsOf([[1, 2], [2, 1], [1, 2], [], [3], []]);
    expect(lists(distinctRows(rows))).toEqual([[1, 2], [2, 1], [], [3]]);
  });

  it('keeps only marked items, merges rows that became equal and orders by length', () => {
    // Items 0–4; 1 and 3 are dropped: [0,1,2] and [0,3,2] both become [0,2].
    const rows = rowsOf([
      [0, 1, 2],
      [4, 1],
      [0, 3, 2],
      [2, 4],
      [1, 4],
    ]);
    const keep = Uint8Array.from([1, 0, 1, 0, 1]);
    expect(lists(keepItemsDistinctByLength(rows, keep))).toEqual([[4], [0, 2], [2, 4]]);
  });

  it('keeps the first of equal rows among 20,000 random ones (seed 8), shortest first, as a plain reference does', () => {
    const rng = new Rng(8);
    const plain = Array.from({ length: 20_000 }, () =>
      Array.from({ length: 1 + rng.int(4) }, () => rng.int(12)),
    );
    const keep = Uint8Array.from({ length: 12 }, (_, v) => (v % 3 === 0 ? 0 : 1));
    const seen = new Set<string>();
    const expected: number[][] = [];
    for (const row of plain) {
      const kept = row.filter((v) => keep[v] === 1);
      if (!seen.has(kept.join())) expected.push(kept);
      seen.add(kept.join());
    }
    expected.sort((a, b) => a.length - b.length);
    expect(lists(keepItemsDistinctByLength(rowsOf(plain), keep))).toEqual(expected);
  });

  it('is defined on no rows', () => {
    const none = rowsOf([]);
    expect(lists(sortRowsByLength(none))).toEqual([]);
    expect(lists(distinctRows(none))).toEqual([]);
    expect(lists(keepItemsDistinctByLength(none, new Uint8Array(0)))).toEqual([]);
    expect(lists(transposeRows(none, 2))).toEqual([[], []]);
  });
});
