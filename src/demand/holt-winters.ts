/**
 * Additive Holt-Winters with a damped trend (ETS(A,Ad,A) in Hyndman et al., "Forecasting with
 * Exponential Smoothing", 2008), for demand series: requests or tokens per bucket, with a season of
 * `season` buckets (a day, for 5-minute buckets 288).
 *
 * Why this method: demand in an inference network has a level that moves, a trend where a region grows,
 * and a daily cycle; Holt-Winters models exactly these three with O(1) work and three numbers of state
 * per step, so thousands of series refit in well under a second. Additive seasonality copes with the
 * zero-count buckets that sparse (region, model) series have, which multiplicative seasonality cannot;
 * damping keeps a short burst from turning into runaway growth over a long horizon. Prediction
 * intervals use the method's analytic h-step variance (class 1 formulas, Hyndman et al. ch. 6) from the
 * one-step residuals.
 *
 * Smoothing parameters are chosen per series from a small grid by one-step squared error. A series
 * shorter than two seasons falls back to no seasonality (season 1: Holt's damped linear method).
 */

export interface HoltWintersFit {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
  readonly season: number;
  /** State after the last observation. */
  readonly level: number;
  readonly trend: number;
  /** Seasonal components; `seasonal[k]` applies to the bucket k steps after the last one, modulo season. */
  readonly seasonal: Float64Array;
  /** Standard deviation of the one-step residuals (0 when there were none). */
  readonly sigma: number;
  /** Number of observations fitted. */
  readonly n: number;
}

export interface Forecast {
  /** Point forecasts for 1 … h buckets ahead, never below 0. */
  readonly mean: Float64Array;
  /** Lower and upper bounds of the prediction interval at the requested coverage, never below 0. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

const ALPHAS = [0.05, 0.1, 0.2, 0.4, 0.7];
const BETAS = [0, 0.02, 0.08, 0.2];
const GAMMAS = [0.05, 0.15, 0.35];
/** Damping of the trend per step: 0.98 halves a trend's effect in about 34 steps. */
export const HW_PHI = 0.98;

interface State {
  level: number;
  trend: number;
  seasonal: Float64Array;
  sse: number;
  count: number;
  /** What parameter selection minimises: one-step plus `h`-step squared errors. */
  score: number;
}

/** Initial level, trend and seasonal components, and the first bucket the recursions start at. */
function initialState(y: ArrayLike<number>, m: number): State & { start: number } {
  const seasonal = new Float64Array(m);
  if (m === 1) {
    if (y.length < 2)
      return { level: y.length > 0 ? y[0]! : 0, trend: 0, seasonal, sse: 0, count: 0, score: 0, start: 1 };
    // No trend to start with: the first difference of a count series is mostly its noise (Poisson counts
    // of 50 a bucket differ by ±10 from one bucket to the next), and a trend started there takes the
    // smoothing many buckets to forget. The recursions learn a real trend from the data (β).
    return { level: y[1]!, trend: 0, seasonal, sse: 0, count: 0, score: 0, start: 2 };
  }
  let first = 0;
  let second = 0;
  for (let k = 0; k < m; k++) {
    first += y[k]!;
    second += y[m + k]!;
  }
  first /= m;
  second /= m;
  const trend = (second - first) / m;
  for (let k = 0; k < m; k++) seasonal[k] = y[k]! - (first + (k - (m - 1) / 2) * trend);
  // The first season's mean sits at its middle bucket; the level at its last bucket is (m − 1)/2 trends later.
  return { level: first + ((m - 1) / 2) * trend, trend, seasonal, sse: 0, count: 0, score: 0, start: m };
}

/** Runs the error-correction recursions over y after the buckets used to initialise. */
function run(
  y: ArrayLike<number>,
  m: number,
  a: number,
  b: number,
  g: number,
  phi: number,
  h: number,
): State {
  const s = initialState(y, m);
  const { start, seasonal } = s;
  let level = s.level;
  let trend = s.trend;
  let sse = 0;
  let count = 0;
  let damped = 0;
  for (let j = 1; j <= h; j++) damped += phi ** j;
  let sseAhead = 0;
  for (let t = start; t < y.length; t++) {
    const k = t % m;
    if (h > 1 && t + h - 1 < y.length) {
      const ahead = y[t + h - 1]! - (level + damped * trend + seasonal[(t + h - 1) % m]!);
      sseAhead += ahead * ahead;
    }
    const predicted = level + phi * trend + seasonal[k]!;
    const err = y[t]! - predicted;
    sse += err * err;
    count++;
    const prevLevel = level;
    level = prevLevel + phi * trend + a * err;
    trend = phi * trend + a * b * err;
    seasonal[k] = seasonal[k]! + g * (1 - a) * err;
  }
  // Rotate so that seasonal[0] applies to the next bucket.
  const rotated = new Float64Array(m);
  for (let k = 0; k < m; k++) rotated[k] = seasonal[(y.length + k) % m]!;
  return { level, trend, seasonal: rotated, sse, count, score: sse + sseAhead };
}

/**
 * Fits the series. Empty input gives a flat zero forecast with zero spread. `season` ≥ 1 buckets; it is
 * reduced to 1 when fewer than two seasons of data are given. Parameters are chosen by the sum of
 * squared one-step errors and squared errors `horizon` buckets ahead (the horizon the forecast is for),
 * so a trend that fits each next bucket but overshoots further out is not preferred.
 */
export function fitHoltWinters(y: ArrayLike<number>, season: number, horizon = 1): HoltWintersFit {
  if (!Number.isInteger(season) || season < 1)
    throw new RangeError(`Holt-Winters: season must be an integer ≥ 1 (got ${season})`);
  const m = y.length >= 2 * season ? season : 1;
  if (y.length === 0)
    return {
      alpha: 0,
      beta: 0,
      gamma: 0,
      phi: HW_PHI,
      season: 1,
      level: 0,
      trend: 0,
      seasonal: new Float64Array(1),
      sigma: 0,
      n: 0,
    };
  let best: { s: State; a: number; b: number; g: number } | undefined;
  for (const a of ALPHAS)
    for (const b of BETAS)
      for (const g of m === 1 ? [0] : GAMMAS) {
        const s = run(y, m, a, b, g, HW_PHI, horizon);
        if (best === undefined || s.score < best.s.score) best = { s, a, b, g };
      }
  const { s, a, b, g } = best!;
  return {
    alpha: a,
    beta: b,
    gamma: g,
    phi: HW_PHI,
    season: m,
    level: s.level,
    trend: s.trend,
    seasonal: s.seasonal,
    sigma: s.count > 0 ? Math.sqrt(s.sse / s.count) : 0,
    n: y.length,
  };
}

/** Standard normal quantile for a two-sided interval of `coverage` (0.8 → 1.2816, 0.95 → 1.9600). */
export function normalQuantile(coverage: number): number {
  // Acklam's rational approximation of the inverse normal CDF at p = (1 + coverage) / 2.
  const p = (1 + coverage) / 2;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  if (p > 0.97575) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Forecast `h` buckets ahead with a prediction interval of `coverage` (default 0.8). */
export function forecastHoltWinters(fit: HoltWintersFit, h: number, coverage = 0.8): Forecast {
  const mean = new Float64Array(h);
  const lower = new Float64Array(h);
  const upper = new Float64Array(h);
  const z = normalQuantile(coverage);
  const { alpha: a, beta: b, gamma: g, phi, season: m } = fit;
  let damped = 0;
  let varSum = 0;
  for (let j = 1; j <= h; j++) {
    damped += phi ** j;
    const point = fit.level + damped * fit.trend + fit.seasonal[(j - 1) % m]!;
    // Class 1 variance: σ²·(1 + Σ_{i<j} c_i²), c_i = α(1 + β·φ(1−φ^i)/(1−φ)) + γ(1−α)·[i mod m = 0].
    if (j > 1) {
      const i = j - 1;
      const ci = a * (1 + (b * phi * (1 - phi ** i)) / (1 - phi)) + (m > 1 && i % m === 0 ? g * (1 - a) : 0);
      varSum += ci * ci;
    }
    const sd = fit.sigma * Math.sqrt(1 + varSum);
    mean[j - 1] = Math.max(0, point);
    lower[j - 1] = Math.max(0, point - z * sd);
    upper[j - 1] = Math.max(0, point + z * sd);
  }
  return { mean, lower, upper };
}
