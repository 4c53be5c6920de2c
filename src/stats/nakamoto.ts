import { positiveWeight, totalWeight } from './shares.js';

/** The thresholds the analysis reports, by the names used in JSON output. */
export const NAKAMOTO_THRESHOLDS = { '1/3': 1 / 3, '1/2': 1 / 2, '2/3': 2 / 3 } as const;
export type NakamotoThreshold = keyof typeof NAKAMOTO_THRESHOLDS;

/**
 * Relative tolerance when comparing a cumulative share with the threshold, so that shares which are
 * exactly 1/3 or 2/3 on paper (but not in binary floating point) count as equal, not above.
 */
const TIE_TOLERANCE = 1e-12;

/**
 * Nakamoto coefficient: the smallest number of groups whose combined share strictly exceeds `threshold`,
 * taking the largest groups first. 0 for an empty input (no groups, nothing to capture). Infinity when no
 * set of groups qualifies (threshold ≥ 1).
 */
export function nakamoto(weights: ArrayLike<number>, threshold: number): number {
  const total = totalWeight(weights);
  if (total === 0) return 0;
  let count = 0;
  for (let i = 0; i < weights.length; i++) if (positiveWeight(weights[i]!) > 0) count++;
  const sorted = new Float64Array(count);
  for (let i = 0, k = 0; i < weights.length; i++) {
    const w = positiveWeight(weights[i]!);
    if (w > 0) sorted[k++] = w;
  }
  sorted.sort().reverse();
  const needed = threshold * total;
  let cum = 0;
  for (let i = 0; i < sorted.length; i++) {
    cum += sorted[i]!;
    if (cum - needed > TIE_TOLERANCE * total) return i + 1;
  }
  return Number.POSITIVE_INFINITY;
}

/** Nakamoto coefficients at 1/3, 1/2 and 2/3. */
export function nakamotoAll(weights: ArrayLike<number>): Record<NakamotoThreshold, number> {
  return {
    '1/3': nakamoto(weights, NAKAMOTO_THRESHOLDS['1/3']),
    '1/2': nakamoto(weights, NAKAMOTO_THRESHOLDS['1/2']),
    '2/3': nakamoto(weights, NAKAMOTO_THRESHOLDS['2/3']),
  };
}
