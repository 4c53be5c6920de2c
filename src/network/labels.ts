import type { Label } from '../model/labels.js';

/**
 * Node labels as dense codes: for each dimension, an Int32Array node → value code (-1 when the node has no
 * label on that dimension), so "do these two nodes share a provider?" is one integer comparison.
 */
export interface LabelIndex {
  readonly dims: readonly string[];
  readonly dimIndex: ReadonlyMap<string, number>;
  /** Per dimension: node index → value code, -1 = no label. */
  readonly codes: readonly Int32Array[];
  /** Per dimension: value code → value. */
  readonly values: readonly (readonly string[])[];
  /** Per dimension: value → code. */
  readonly valueIndex: readonly ReadonlyMap<string, number>[];
}

export function buildLabelIndex(labels: readonly Record<string, Label>[]): LabelIndex {
  const dims: string[] = [];
  const dimIndex = new Map<string, number>();
  for (const l of labels) {
    for (const d of Object.keys(l)) {
      if (!dimIndex.has(d)) {
        dimIndex.set(d, dims.length);
        dims.push(d);
      }
    }
  }
  const codes = dims.map(() => new Int32Array(labels.length).fill(-1));
  const values: string[][] = dims.map(() => []);
  const valueIndex = dims.map(() => new Map<string, number>());
  labels.forEach((l, i) => {
    for (const [d, label] of Object.entries(l)) {
      const k = dimIndex.get(d)!;
      const vi = valueIndex[k]!;
      let code = vi.get(label.value);
      if (code === undefined) {
        code = values[k]!.length;
        vi.set(label.value, code);
        values[k]!.push(label.value);
      }
      codes[k]![i] = code;
    }
  });
  return { dims, dimIndex, codes, values, valueIndex };
}

/** True when nodes `a` and `b` carry the same value on any of the dimensions `dims` (dimension indexes). */
export function sharesAny(
  index: LabelIndex,
  dims: ArrayLike<number>,
  dimCount: number,
  a: number,
  b: number,
): boolean {
  for (let k = 0; k < dimCount; k++) {
    const codes = index.codes[dims[k]!]!;
    const ca = codes[a]!;
    if (ca >= 0 && ca === codes[b]) return true;
  }
  return false;
}
