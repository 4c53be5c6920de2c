import { METROS, metroById } from '../geo/metros.js';
import { nearestMetro } from '../geo/nearest.js';
import { rttMs } from '../geo/rtt-model.js';
import type { DemandPoint, GeoContext } from './geo-context.js';

/**
 * Geography from the metro catalog: demand at every metro with its demand weight, regions of the catalog
 * (a member without a known metro id takes the region of the nearest metro), RTTs from the fitted model.
 * `demand` replaces the catalog's demand weights (metro id → weight), e.g. a scenario's demand.
 */
export function metroGeo(demand?: ReadonlyMap<string, number>): GeoContext {
  const points: DemandPoint[] = [];
  for (const m of METROS) {
    const weight = demand === undefined ? m.demandWeight : (demand.get(m.id) ?? 0);
    if (weight > 0) points.push({ id: m.id, region: m.region, lat: m.lat, lon: m.lon, weight });
  }
  return {
    rttMs: (a, b) => rttMs(a, b),
    regionOf: (place) =>
      (place.metro !== undefined ? metroById(place.metro)?.region : undefined) ??
      nearestMetro(place)?.region ??
      'unknown',
    demand: points,
  };
}
