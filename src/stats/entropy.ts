import { positiveWeight, totalWeight } from './shares.js';

/** Shannon entropy of the group shares in nats (natural log): ln n for n equal groups; 0 for one group or none. */
export function entropy(weights: ArrayLike<number>): number {
  const total = totalWeight(weights);
  if (total === 0) return 0;
  let h = 0;
  for (let i = 0; i < weights.length; i++) {
    const p = positiveWeight(weights[i]!) / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

/**
 * exp(H), the entropy-based effective number of groups (Hill number of order 1): n for n equal groups.
 * 0 for an empty input (no groups), 1 for a single group.
 */
export function expEntropy(weights: ArrayLike<number>): number {
  return totalWeight(weights) === 0 ? 0 : Math.exp(entropy(weights));
}
