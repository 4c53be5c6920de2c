/**
 * A weight counts when it is a finite number above zero; anything else (0, negative, NaN, ±Infinity)
 * counts as 0. Every metric in this folder uses this rule, so they agree on what a group is.
 */
export function positiveWeight(w: number): number {
  return w > 0 && Number.isFinite(w) ? w : 0;
}

/** Sum of the positive weights; 0 for an empty input. */
export function totalWeight(weights: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += positiveWeight(weights[i]!);
  return total;
}

/**
 * Each group's share of the total weight (group → share in [0, 1]); groups with no positive weight are
 * left out. An empty map for an empty input or when no group has weight.
 */
export function shares<K>(weightByGroup: ReadonlyMap<K, number>): Map<K, number> {
  let total = 0;
  for (const w of weightByGroup.values()) total += positiveWeight(w);
  const out = new Map<K, number>();
  if (total === 0) return out;
  for (const [group, w] of weightByGroup) {
    const p = positiveWeight(w);
    if (p > 0) out.set(group, p / total);
  }
  return out;
}
