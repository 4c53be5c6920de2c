import type { Member } from './member.js';

/** One dimension with its label values replaced by small integers, so grouping is array indexing. */
export interface EncodedDimension {
  name: string;
  /** Code of each member's value (index into `values`), or -1 when the member has no value. */
  codes: Int32Array;
  /** Distinct values in order of first appearance. */
  values: string[];
}

/** Encodes one dimension of every member. */
export function encodeDimension(members: readonly Member[], name: string): EncodedDimension {
  const codes = new Int32Array(members.length);
  const index = new Map<string, number>();
  const values: string[] = [];
  for (let i = 0; i < members.length; i++) {
    const v = members[i]!.labels[name]?.value;
    if (v === undefined || v === '') {
      codes[i] = -1;
      continue;
    }
    let c = index.get(v);
    if (c === undefined) {
      c = values.length;
      index.set(v, c);
      values.push(v);
    }
    codes[i] = c;
  }
  return { name, codes, values };
}

export function encodeDimensions(members: readonly Member[], names: readonly string[]): EncodedDimension[] {
  return names.map((n) => encodeDimension(members, n));
}

/** The code of `value` on an encoded dimension, or -1 when no member has it. */
export function codeOf(dim: EncodedDimension, value: string): number {
  return dim.values.indexOf(value);
}
