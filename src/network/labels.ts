import { dimensionCodes, sameLabel } from '../model/label-codes.js';
import type { Label } from '../model/labels.js';

/**
 * Node labels as dense codes (`model/label-codes.ts`, whose rule for a missing label holds here): for each
 * dimension, an Int32Array node → value code, NO_LABEL when the node has no label on that dimension.
 */
export interface LabelIndex {
  readonly dims: readonly string[];
  readonly dimIndex: ReadonlyMap<string, number>;
  /** Per dimension: node index → value code, NO_LABEL = no label. */
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
  const coded = dims.map((d) => dimensionCodes(labels, d));
  const codes = coded.map((c) => c.codes);
  const values = coded.map((c) => c.values);
  const valueIndex = coded.map((c) => c.index);
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
    if (sameLabel(codes[a]!, codes[b]!)) return true;
  }
  return false;
}
