import { sameLabel } from '../model/label-codes.js';

/** No fallback is independent of the primary. */
export const FALLBACKS_DEPENDENT = 0;
/** At least one fallback is independent of the primary, not all. */
export const FALLBACKS_SOME_INDEPENDENT = 1;
/** Every fallback is independent of the primary. */
export const FALLBACKS_ALL_INDEPENDENT = 2;

/**
 * How independent the fallbacks `nodes[base + 1 .. base + count)` are of the primary `nodes[base]`: a
 * fallback is independent when it differs from the primary on every dimension (`codes[d][node]` is the
 * node's label code on dimension d; a node without the label shares it with no one, see
 * `model/label-codes.ts`). With no fallback: FALLBACKS_DEPENDENT.
 */
export function fallbackIndependence(
  codes: readonly Int32Array[],
  nodes: Int32Array,
  base: number,
  count: number,
): number {
  const primary = nodes[base]!;
  let any = false;
  let all = count > 1;
  for (let k = 1; k < count; k++) {
    const f = nodes[base + k]!;
    let independent = true;
    for (const c of codes) if (sameLabel(c[f]!, c[primary]!)) independent = false;
    if (independent) any = true;
    else all = false;
  }
  return all ? FALLBACKS_ALL_INDEPENDENT : any ? FALLBACKS_SOME_INDEPENDENT : FALLBACKS_DEPENDENT;
}
