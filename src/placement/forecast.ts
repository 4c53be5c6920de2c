import { fitHoltWinters, forecastHoltWinters } from '../demand/holt-winters.js';
import { daySeason } from '../demand/report.js';
import type { DemandJson } from '../demand/series.js';

/**
 * Demand for placement from observed series (per place and model, as the coordinator and the simulator
 * record them, `demand/series.ts`) instead of the scenario's declared demand: each series is forecast
 * `horizon` buckets ahead with Holt-Winters (daily season when a day is a whole number of buckets), and
 * - a place's weight is its forecast requests over the horizon, all models together;
 * - a model's popularity is its forecast requests over the horizon, all places together;
 * - the peak rate (requests/s) is the busiest forecast bucket of all series summed, the rate at which
 *   replica capacity is checked (`capacity.ts`).
 * Places are taken as metro ids (placement covers metros).
 */
export interface ForecastDemand {
  /** Forecast requests over the horizon per place (metro id), places with none left out. */
  places: ReadonlyMap<string, number>;
  /** Forecast requests over the horizon per model id. */
  models: ReadonlyMap<string, number>;
  /** Requests per second in the busiest forecast bucket. */
  peakRps: number;
  /** Buckets forecast. */
  horizon: number;
}

const add = (map: Map<string, number>, key: string, v: number) => map.set(key, (map.get(key) ?? 0) + v);

/** The forecast demand of `json`, `horizon` buckets ahead (default one day of buckets, at least 1). */
export function forecastDemand(json: DemandJson, opts: { horizon?: number } = {}): ForecastDemand {
  const season = daySeason(json.bucketMs);
  const horizon = opts.horizon ?? Math.max(1, season);
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new RangeError(`forecast demand: horizon must be a whole number ≥ 1 (got ${horizon})`);
  const places = new Map<string, number>();
  const models = new Map<string, number>();
  const perBucket = new Float64Array(horizon);
  for (const s of json.series) {
    const mean = forecastHoltWinters(fitHoltWinters(s.requests, season, horizon), horizon).mean;
    const total = mean.reduce((a, b) => a + b, 0);
    mean.forEach((v, k) => {
      perBucket[k]! += v;
    });
    if (!(total > 0)) continue;
    add(places, s.place, total);
    add(models, s.model, total);
  }
  const peak = perBucket.reduce((a, b) => Math.max(a, b), 0);
  return { places, models, peakRps: peak / (json.bucketMs / 1000), horizon };
}
