import type { Rng } from '../../util/rng.js';
import type { TokenDist } from '../input.js';

/** One draw of a token count: rounded to an integer and clamped to the distribution's [min, max]. */
export function drawTokens(dist: TokenDist, rng: Rng): number {
  let x: number;
  let min = 0;
  let max = Number.MAX_SAFE_INTEGER;
  switch (dist.kind) {
    case 'fixed':
      return Math.max(0, Math.round(dist.value));
    case 'lognormal':
      x = rng.logNormal(dist.median, dist.sigma);
      min = dist.min ?? 1;
      max = dist.max ?? max;
      break;
    case 'exponential':
      x = rng.exponential(dist.mean);
      min = dist.min ?? 0;
      max = dist.max ?? max;
      break;
  }
  const n = Math.round(x);
  return n < min ? min : Math.min(n, max);
}

/** Mean of the distribution before rounding and clamping (used for sizing and reports). */
export function meanTokens(dist: TokenDist): number {
  switch (dist.kind) {
    case 'fixed':
      return dist.value;
    case 'lognormal':
      return dist.median * Math.exp((dist.sigma * dist.sigma) / 2);
    case 'exponential':
      return dist.mean;
  }
}
