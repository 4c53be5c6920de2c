import type { LatLon } from '../model/common.js';
import { greatCircleKm } from './distance.js';

/** Parameters of the distance-based RTT model `rtt = 2·km / fibreKmPerMs · inflation + accessMs`. */
export interface RttModelParams {
  /** Route inflation: real path length ÷ great-circle length (≥ 1 in practice). */
  inflation: number;
  /** Fixed round-trip cost of access networks, switching and processing, ms. */
  accessMs: number;
  /** Propagation speed in fibre, km per ms (≈ c / 1.47). */
  fibreKmPerMs: number;
}

/**
 * The default model, fitted by least squares on ln(rtt) (`fitRttModel` in rtt-fit.ts) over the 23,218
 * measured pairs of the WonderProxy 217-city matrix of 2020-07-19/20 joined with server coordinates
 * (216 cities; Montevideo has no coordinates), with the fibre speed fixed at 204 km/ms (c ÷ 1.47).
 * Rerun with `npm run fit:rtt`. Result: inflation 1.8834, access 8.755 ms; on the same pairs the
 * median relative error is 19.3% and the p90 45.8% (RMS of ln error 0.388).
 */
export const RTT_MODEL = {
  inflation: 1.8834,
  accessMs: 8.755,
  fibreKmPerMs: 204,
  provenance:
    'least squares on ln(rtt), 23,218 pairs of the WonderProxy city matrix 2020-07-19/20 (216 cities with coordinates), fibre 204 km/ms fixed; median relative error 19.3%, p90 45.8%; rerun: npm run fit:rtt',
} as const satisfies RttModelParams & { provenance: string };

/** Predicted round-trip time in ms between two points; `accessMs` for identical points. */
export function rttMs(a: LatLon, b: LatLon, model: RttModelParams = RTT_MODEL): number {
  return ((2 * greatCircleKm(a, b)) / model.fibreKmPerMs) * model.inflation + model.accessMs;
}

/**
 * The physical floor of a round trip between two points: light in fibre along the great circle and back,
 * with no route inflation and no access delay. No measurement can be lower; one that is was made up.
 */
export function fibreFloorMs(a: LatLon, b: LatLon, fibreKmPerMs: number = RTT_MODEL.fibreKmPerMs): number {
  return (2 * greatCircleKm(a, b)) / fibreKmPerMs;
}
