import { hhi } from './hhi.js';

/**
 * Effective number of groups, 1 / HHI: n for n equal groups, close to 1 when one group dominates.
 * 0 for an empty input.
 */
export function effectiveNumber(weights: ArrayLike<number>): number {
  const h = hhi(weights);
  return h === 0 ? 0 : 1 / h;
}
