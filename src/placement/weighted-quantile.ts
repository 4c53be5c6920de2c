/**
 * Weighted p-quantile (0 ≤ p ≤ 1): the smallest value whose cumulative weight reaches p × total weight
 * (no interpolation, so Infinity stays Infinity). Values with weight ≤ 0 are ignored. NaN for an empty
 * input or zero total weight.
 */
export function weightedQuantile(values: ArrayLike<number>, weights: ArrayLike<number>, p: number): number {
  const idx: number[] = [];
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights[i]!;
    if (w > 0 && !Number.isNaN(values[i]!)) {
      idx.push(i);
      total += w;
    }
  }
  if (idx.length === 0 || total <= 0) return Number.NaN;
  idx.sort((a, b) => values[a]! - values[b]! || a - b);
  const target = Math.min(1, Math.max(0, p)) * total;
  let cum = 0;
  for (const i of idx) {
    cum += weights[i]!;
    if (cum >= target - 1e-12 * total) return values[i]!;
  }
  return values[idx[idx.length - 1]!]!;
}
