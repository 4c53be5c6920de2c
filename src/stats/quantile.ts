/**
 * The p-quantile (0 ≤ p ≤ 1) of numbers already sorted ascending, with linear interpolation between
 * closest ranks (R-7, the default of R and NumPy). NaN for an empty input.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (p <= 0 || n === 1) return sorted[0]!;
  if (p >= 1) return sorted[n - 1]!;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[lo + 1]!;
  return a + (b - a) * (h - lo);
}

/** The p-quantile of unsorted numbers (copies and sorts). NaN for an empty input. */
export function quantile(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return quantileSorted(sorted, p);
}

/** The median; NaN for an empty input. */
export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}
