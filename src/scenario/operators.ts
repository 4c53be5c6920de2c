import { zipfWeights } from './weights.js';

/**
 * Operators of a generator: `count` operators whose node shares follow Zipf(s), each with a home provider.
 * Home providers are assigned largest operator first to the provider furthest below its target share, so
 * the expected node share per provider matches the provider weights without a lucky draw deciding which
 * provider the biggest operator lands on.
 */
export interface OperatorPlan {
  /** Node share of each operator (sum 1), largest first. */
  shares: number[];
  /** Index into the provider list of each operator's home provider. */
  home: number[];
}

export function planOperators(
  count: number,
  zipfS: number,
  providerWeights: readonly number[],
): OperatorPlan {
  const shares = zipfWeights(count, zipfS);
  const total = providerWeights.reduce((a, b) => a + b, 0);
  const target = providerWeights.map((w) => (total > 0 ? w / total : 0));
  const assigned = target.map(() => 0);
  const home = shares.map((share) => {
    let best = 0;
    let bestDeficit = Number.NEGATIVE_INFINITY;
    target.forEach((t, p) => {
      const deficit = t - assigned[p]!;
      if (t > 0 && deficit > bestDeficit) {
        best = p;
        bestDeficit = deficit;
      }
    });
    assigned[best] = assigned[best]! + share;
    return best;
  });
  return { shares, home };
}
