/**
 * A ratio measured several times independently (one figure per run, each the ratio of two positive
 * measurements), summarised as the geometric mean of the runs and a 95% confidence interval for it:
 * Student's t on the logarithms, so the interval is symmetric in the ratio's scale (1.1 and 1/1.1 are
 * equally far from 1) and never below 0.
 *
 * Each run must be independent: runs that share a cause of variation (two halves of one process pair
 * that differs from the next pair) give an interval too narrow.
 *
 * NaN everywhere for no runs; NaN bounds for one run (no spread to measure); the bounds equal the ratio
 * when every run gives the same figure.
 */
export interface RatioInterval {
  ratio: number;
  low: number;
  high: number;
}

export function ratioInterval(ratios: readonly number[]): RatioInterval {
  const n = ratios.length;
  if (n === 0) return { ratio: Number.NaN, low: Number.NaN, high: Number.NaN };
  const logs = ratios.map(Math.log);
  const mean = logs.reduce((s, x) => s + x, 0) / n;
  if (n === 1) return { ratio: Math.exp(mean), low: Number.NaN, high: Number.NaN };
  const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const half = studentT975(n - 1) * (sd / Math.sqrt(n));
  return { ratio: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half) };
}

/**
 * The 97.5% quantile of Student's t with `df` degrees of freedom: the usual table to 30, then
 * 1.96 + 2.4 / df (within 0.003 of the exact value: 2.037 for 2.040 at 31, 2.008 for 2.009 at 50).
 */
function studentT975(df: number): number {
  const table = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
    2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
  ];
  return table[df - 1] ?? 1.96 + 2.4 / df;
}
