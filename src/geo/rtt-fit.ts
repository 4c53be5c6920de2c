import { quantile } from '../stats/quantile.js';
import { greatCircleKm } from './distance.js';
import { measuredPairs, type RttMatrix } from './rtt-matrix.js';

/** One measured pair: great-circle distance in km and measured RTT in ms. */
export interface DistanceSample {
  km: number;
  ms: number;
}

/** Fitted parameters of `rtt = 2·km / fibreKmPerMs · inflation + accessMs` and their quality. */
export interface RttFit {
  inflation: number;
  accessMs: number;
  fibreKmPerMs: number;
  pairs: number;
  /** Root-mean-square of ln(predicted / measured): the quantity minimised. */
  rmsLogError: number;
  medianRelErr: number;
  p90RelErr: number;
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** Minimiser of a unimodal f on [lo, hi] by golden-section search (fixed iteration count → deterministic). */
function goldenMin(f: (x: number) => number, lo: number, hi: number, iterations = 80): number {
  let a = lo;
  let b = hi;
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let k = 0; k < iterations; k++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/** Relative errors |pred − meas| / meas of the model on the samples. */
export function relativeErrors(
  samples: readonly DistanceSample[],
  model: { inflation: number; accessMs: number; fibreKmPerMs: number },
): Float64Array {
  const out = new Float64Array(samples.length);
  samples.forEach((s, i) => {
    const pred = ((2 * s.km) / model.fibreKmPerMs) * model.inflation + model.accessMs;
    out[i] = Math.abs(pred - s.ms) / s.ms;
  });
  return out;
}

/**
 * Fits route inflation and access latency by least squares on ln(rtt) (so every pair counts by its
 * relative error, not by its size in ms), with the fibre speed fixed. Samples with ms ≤ 0 or non-finite
 * values are ignored. Inflation is searched in [0.5, 6], access in [0, 60] ms. No usable sample → NaNs.
 */
export function fitRttModel(samples: readonly DistanceSample[], fibreKmPerMs = 204): RttFit {
  const usable = samples.filter(
    (s) => Number.isFinite(s.km) && s.km >= 0 && Number.isFinite(s.ms) && s.ms > 0,
  );
  if (usable.length === 0) {
    const nan = Number.NaN;
    return {
      inflation: nan,
      accessMs: nan,
      fibreKmPerMs,
      pairs: 0,
      rmsLogError: nan,
      medianRelErr: nan,
      p90RelErr: nan,
    };
  }
  const fibreMs = Float64Array.from(usable, (s) => (2 * s.km) / fibreKmPerMs);
  const logMs = Float64Array.from(usable, (s) => Math.log(s.ms));
  const cost = (inflation: number, access: number) => {
    let sum = 0;
    for (let i = 0; i < fibreMs.length; i++) {
      const r = Math.log(fibreMs[i]! * inflation + access) - logMs[i]!;
      sum += r * r;
    }
    return sum;
  };
  const bestInflation = (access: number) => goldenMin((k) => cost(k, access), 0.5, 6);
  const accessMs = goldenMin((a) => cost(bestInflation(a), a), 0, 60);
  const inflation = bestInflation(accessMs);
  const rel = relativeErrors(usable, { inflation, accessMs, fibreKmPerMs });
  return {
    inflation,
    accessMs,
    fibreKmPerMs,
    pairs: usable.length,
    rmsLogError: Math.sqrt(cost(inflation, accessMs) / usable.length),
    medianRelErr: quantile(rel, 0.5),
    p90RelErr: quantile(rel, 0.9),
  };
}

/** Distance samples for every measured pair of a matrix with coordinates. */
export function distanceSamples(matrix: RttMatrix): DistanceSample[] {
  return measuredPairs(matrix.rtt, matrix.names.length).map((p) => ({
    km: greatCircleKm(matrix.coords[p.i]!, matrix.coords[p.j]!),
    ms: p.ms,
  }));
}
