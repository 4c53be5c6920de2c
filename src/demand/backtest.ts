import { fitHoltWinters, forecastHoltWinters } from './holt-winters.js';

/**
 * Rolling-origin backtest of a demand forecaster: from each origin in the held-out tail, fit on
 * everything before it and forecast `horizon` buckets; errors are taken at exactly `horizon` buckets
 * ahead. Errors are reported as MAE, as WAPE (Σ|error| / Σ actual), so that series of different sizes
 * compare, and as RMSE. WAPE is minimised by the median of what comes next and RMSE by its mean: on a
 * series of rare bursts the two part (a forecast of 0 scores a WAPE of 1, better than any forecast that
 * expects some of the bursts); capacity is planned for the mean rate, which RMSE judges.
 */
export interface BacktestResult {
  readonly origins: number;
  readonly horizon: number;
  readonly mae: number;
  /** Σ|error| / Σ actual over the scored buckets; NaN when the actuals sum to 0. */
  readonly wape: number;
  /** √(mean squared error) over the scored buckets. */
  readonly rmse: number;
  /** Share of actuals inside the 80% interval (Holt-Winters only; NaN for baselines). */
  readonly coverage80: number;
}

export type Forecaster = (
  history: ArrayLike<number>,
  horizon: number,
) => { mean: number; lower?: number; upper?: number };

/** Holt-Winters with a season of `season` buckets, 80% interval. */
export function holtWintersForecaster(season: number): Forecaster {
  return (history, horizon) => {
    const f = forecastHoltWinters(fitHoltWinters(history, season, horizon), horizon, 0.8);
    return { mean: f.mean[horizon - 1]!, lower: f.lower[horizon - 1]!, upper: f.upper[horizon - 1]! };
  };
}

/**
 * Seasonal naive: the value one season before the target bucket (season 1: the last value). The
 * baseline every seasonal forecaster must beat.
 */
export function seasonalNaiveForecaster(season: number): Forecaster {
  return (history, horizon) => {
    const n = history.length;
    if (n === 0) return { mean: 0 };
    const back = season * Math.ceil(horizon / season);
    const k = n + horizon - 1 - back;
    return { mean: history[k >= 0 ? k : n - 1]! };
  };
}

/** Backtests `forecaster` on `y` from every origin in the last `tail` buckets (stepping by `step`). */
export function backtest(
  y: ArrayLike<number>,
  forecaster: Forecaster,
  tail: number,
  horizon: number,
  step = 1,
): BacktestResult {
  let abs = 0;
  let squares = 0;
  let actual = 0;
  let origins = 0;
  let inside = 0;
  let withInterval = 0;
  const values = Array.from(y);
  for (let origin = values.length - tail; origin + horizon <= values.length; origin += step) {
    if (origin < 2) continue;
    const f = forecaster(values.slice(0, origin), horizon);
    const truth = values[origin + horizon - 1]!;
    abs += Math.abs(f.mean - truth);
    squares += (f.mean - truth) ** 2;
    actual += truth;
    origins++;
    if (f.lower !== undefined && f.upper !== undefined) {
      withInterval++;
      if (truth >= f.lower && truth <= f.upper) inside++;
    }
  }
  return {
    origins,
    horizon,
    mae: origins > 0 ? abs / origins : Number.NaN,
    wape: actual > 0 ? abs / actual : Number.NaN,
    rmse: origins > 0 ? Math.sqrt(squares / origins) : Number.NaN,
    coverage80: withInterval > 0 ? inside / withInterval : Number.NaN,
  };
}

/** Counts of events per bucket of `bucketMs`, from ascending offsets in ms. */
export function bucketCounts(offsetsMs: ArrayLike<number>, bucketMs: number): Float64Array {
  if (offsetsMs.length === 0) return new Float64Array(0);
  const last = offsetsMs[offsetsMs.length - 1]!;
  const out = new Float64Array(Math.floor(last / bucketMs) + 1);
  for (let i = 0; i < offsetsMs.length; i++) {
    const k = Math.floor(offsetsMs[i]! / bucketMs);
    out[k] = out[k]! + 1;
  }
  return out;
}
