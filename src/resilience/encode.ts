import { encodeLabels, LabelCoder } from '../model/label-codes.js';
import type { Member } from './member.js';

/** One dimension with its label values replaced by small integers, so grouping is array indexing. */
export interface EncodedDimension {
  name: string;
  /** Code of each member's value (index into `values`), or NO_LABEL (-1) when the member has no value. */
  codes: Int32Array;
  /** Distinct values in order of first appearance. */
  values: readonly string[];
}

/** Encodes one dimension of every member (the rule for a missing label: `model/label-codes.ts`). */
export function encodeDimension(members: readonly Member[], name: string): EncodedDimension {
  const { codes, values } = encodeLabels(members.length, (i) => members[i]!.labels[name]?.value);
  return { name, codes, values };
}

/**
 * `names.map((n) => encodeDimension(members, n))` in one pass over the members: each member's labels are
 * read while they are in cache, not once per dimension.
 */
export function encodeDimensions(members: readonly Member[], names: readonly string[]): EncodedDimension[] {
  if (names.length === 1) return [encodeDimension(members, names[0]!)];
  const coders = names.map(() => new LabelCoder());
  const codes = names.map(() => new Int32Array(members.length));
  for (let i = 0; i < members.length; i++) {
    const labels = members[i]!.labels;
    for (let d = 0; d < names.length; d++) codes[d]![i] = coders[d]!.of(labels[names[d]!]?.value);
  }
  return names.map((name, d) => ({ name, codes: codes[d]!, values: coders[d]!.values }));
}

/** The code of `value` on an encoded dimension, or -1 when no member has it. */
export function codeOf(dim: EncodedDimension, value: string): number {
  return dim.values.indexOf(value);
}
