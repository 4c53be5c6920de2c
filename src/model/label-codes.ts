/**
 * Label values as small integers, so that "do these two nodes share a provider?" is one integer
 * comparison. The one label encoder of meridian: the router's topology, the simulator and the
 * independence analysis all code labels here.
 *
 * The rule for a missing label, stated once: a node without a value on a dimension (no label, or an empty
 * value) gets the code NO_LABEL (-1). It belongs to no group on that dimension and shares it with no other
 * node, labelled or not: two nodes without a provider label are not "the same provider". Known values get
 * codes 0, 1, … in order of first appearance.
 */

/** The code of a missing label (see the file comment). */
export const NO_LABEL = -1;

export interface LabelCodes {
  /** Code of each item: an index into `values`, or NO_LABEL. */
  readonly codes: Int32Array;
  /** The distinct values, by code. */
  readonly values: readonly string[];
  /** Value → code. */
  readonly index: ReadonlyMap<string, number>;
}

/** Codes the values of `count` items; `valueAt(i)` is item i's value, undefined or '' when it has none. */
export function encodeLabels(count: number, valueAt: (i: number) => string | undefined): LabelCodes {
  const codes = new Int32Array(count);
  const values: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const v = valueAt(i);
    if (v === undefined || v === '') {
      codes[i] = NO_LABEL;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = values.length;
      index.set(v, code);
      values.push(v);
    }
    codes[i] = code;
  }
  return { codes, values, index };
}

/** Codes one dimension of items carrying `{ value }` labels (nodes, members). */
export function dimensionCodes(
  labels: readonly Readonly<Record<string, { value: string } | undefined>>[],
  dimension: string,
): LabelCodes {
  return encodeLabels(labels.length, (i) => labels[i]![dimension]?.value);
}

/** True when two codes name the same known value; never for NO_LABEL. */
export function sameLabel(a: number, b: number): boolean {
  return a !== NO_LABEL && a === b;
}
