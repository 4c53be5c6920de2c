import { positiveWeight, totalWeight } from './shares.js';

/**
 * Herfindahl–Hirschman index of group weights: the sum of squared shares, in (0, 1]; 1 when one group
 * holds everything, 1/n for n equal groups. 0 for an empty input (nothing to concentrate).
 * Weights need not be normalised.
 */
export function hhi(weights: ArrayLike<number>): number {
  const total = totalWeight(weights);
  if (total === 0) return 0;
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    const s = positiveWeight(weights[i]!) / total;
    sum += s * s;
  }
  return sum;
}
