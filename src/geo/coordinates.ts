import type { LatLon } from '../model/common.js';
import { RTT_MODEL, type RttModelParams, rttMs } from './rtt-model.js';

/**
 * Anything that predicts the round-trip time between two numbered hosts (0 … size−1): learned network
 * coordinates (Vivaldi) or the geographic distance model. The routing engine asks this, not geography.
 */
export interface NetworkCoordinates {
  readonly size: number;
  /** Predicted RTT in ms between hosts a and b (0 ≤ a, b < size); 0 for a === b. */
  predictMs(a: number, b: number): number;
}

/** The distance model as NetworkCoordinates over fixed points (the baseline learned coordinates must beat). */
export function geoCoordinates(
  points: readonly LatLon[],
  model: RttModelParams = RTT_MODEL,
): NetworkCoordinates {
  return {
    size: points.length,
    predictMs(a: number, b: number): number {
      if (a === b) return 0;
      return rttMs(points[a]!, points[b]!, model);
    },
  };
}
