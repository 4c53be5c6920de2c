import type { LatLon } from '../model/common.js';
import { greatCircleKm } from './distance.js';
import { METROS, type Metro } from './metros.js';

/** The point of a list nearest to a place, and how far it is. */
export interface Nearest {
  /** Index into the list; -1 for an empty list. */
  index: number;
  /** Great-circle distance in km; Infinity for an empty list. */
  km: number;
}

/**
 * The point of `points` nearest to `p` by great-circle distance. On equal distances the earlier point
 * wins, so the answer does not depend on anything but the list's order. Empty list: index -1.
 * Every "which metro (or matrix city, or table row) is closest" question in meridian is this function.
 */
export function nearestPoint(points: readonly LatLon[], p: LatLon): Nearest {
  let index = -1;
  let km = Number.POSITIVE_INFINITY;
  for (let i = 0; i < points.length; i++) {
    const d = greatCircleKm(p, points[i]!);
    if (d < km) {
      km = d;
      index = i;
    }
  }
  return { index, km };
}

/** The catalog metro (or one of `metros`) nearest to `p`; undefined for an empty list. */
export function nearestMetro(p: LatLon, metros: readonly Metro[] = METROS): Metro | undefined {
  return metros[nearestPoint(metros, p).index];
}
