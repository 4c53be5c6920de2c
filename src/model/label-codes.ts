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

/** Codes values one at a time, by the rule above; `encodeLabels` is built on it. */
export class LabelCoder {
  /** The distinct values, by code. */
  readonly values: string[] = [];
  /** Value → code. */
  readonly index = new Map<string, number>();

  /** The code of `value`: NO_LABEL for undefined or '', else its code (a new one on first sight). */
  of(value: string | undefined): number {
    if (value === undefined || value === '') return NO_LABEL;
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.index.set(value, code);
      this.values.push(value);
    }
    return code;
  }
}

/** Codes the values of `count` items; `valueAt(i)` is item i's value, undefined or '' when it has none. */
export function encodeLabels(count: number, valueAt: (i: number) => string | undefined): LabelCodes {
  const coder = new LabelCoder();
  const codes = new Int32Array(count);
  for (let i = 0; i < count; i++) codes[i] = coder.of(valueAt(i));
  return { codes, values: coder.values, index: coder.index };
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
