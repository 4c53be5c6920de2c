import type { GeoContext } from './geo-context.js';
import type { PlaceIndex } from './places.js';
import type { ReplicaIndex } from './replicas.js';

/** Demand-weighted round-trip time from one region's demand to the nearest warm node. */
export interface RegionLatency {
  region: string;
  /** Mean over served demand (each model counts equally), ms; null when nothing is served. */
  meanMs: number | null;
  /** Share of the region's demand × models with no warm node left anywhere. */
  unserved: number;
}

/**
 * Precomputed geometry for the analytic latency estimate. Members are grouped by place (their metro when
 * known, else a 0.5° grid cell), so an outage only changes counts per place, never distances.
 */
export interface LatencyModel {
  /** Services: model ids, or `*` (any located member) for a network without models. */
  services: string[];
  /** Warm members per service and place, service-major. */
  baseCounts: Int32Array;
  places: number;
  /** Place of each member, -1 without a location. */
  placeOf: Int32Array;
  /** Services each member holds warm (CSR: memberServices[start[i] .. start[i+1]]). */
  serviceStart: Int32Array;
  memberServices: Int32Array;
  /** Per demand point: places by increasing RTT and those RTTs. */
  order: Int32Array[];
  rtt: Float64Array[];
  regions: string[];
  regionOfPoint: Int32Array;
  pointWeight: Float64Array;
  /** Share of each service in the demand (sums to 1). */
  serviceWeight: Float64Array;
}

/** Each service's share: by popularity when given and positive somewhere, else equal. */
function serviceWeights(
  services: readonly string[],
  popularity: ReadonlyMap<string, number> | undefined,
): Float64Array {
  const raw = Float64Array.from(services, (s) => {
    const w = popularity?.get(s) ?? 0;
    return Number.isFinite(w) && w > 0 ? w : 0;
  });
  const total = raw.reduce((a, b) => a + b, 0);
  return total > 0 ? raw.map((w) => w / total) : raw.fill(1 / Math.max(1, services.length));
}

/**
 * Precomputes RTTs from every demand point to every place of the members (`places`). `popularity`
 * (model id → weight) weighs the models in the per-region mean; without it every model counts equally.
 */
export function buildLatencyModel(
  places: PlaceIndex,
  replicas: ReplicaIndex | undefined,
  geo: GeoContext,
  popularity?: ReadonlyMap<string, number>,
): LatencyModel {
  const { placeOf, coords } = places;
  const n = placeOf.length;
  const withModels = replicas !== undefined && replicas.models.length > 0;
  const services = withModels ? replicas.models : ['*'];
  const lists: ArrayLike<number>[] = withModels
    ? replicas.warm
    : [Int32Array.from({ length: n }, (_, i) => i)];
  const serviceStart = new Int32Array(n + 1);
  for (const list of lists) for (let k = 0; k < list.length; k++) serviceStart[list[k]! + 1]!++;
  for (let i = 0; i < n; i++) serviceStart[i + 1]! += serviceStart[i]!;
  const memberServices = new Int32Array(serviceStart[n]!);
  const fill = serviceStart.slice(0, n);
  lists.forEach((list, s) => {
    for (let k = 0; k < list.length; k++) memberServices[fill[list[k]!]!++] = s;
  });
  const L = coords.length;
  const baseCounts = new Int32Array(services.length * L);
  lists.forEach((list, s) => {
    for (let k = 0; k < list.length; k++) {
      const p = placeOf[list[k]!]!;
      if (p >= 0) baseCounts[s * L + p]!++;
    }
  });
  const regionIds = new Map<string, number>();
  const regionOfPoint = Int32Array.from(geo.demand, (d) => {
    let r = regionIds.get(d.region);
    if (r === undefined) {
      r = regionIds.size;
      regionIds.set(d.region, r);
    }
    return r;
  });
  const rtt = geo.demand.map((d) => Float64Array.from(coords, (c) => geo.rttMs(d, c)));
  const order = rtt.map((r) =>
    Int32Array.from({ length: L }, (_, i) => i).sort((a, b) => r[a]! - r[b]! || a - b),
  );
  return {
    services,
    baseCounts,
    places: L,
    placeOf,
    serviceStart,
    memberServices,
    order,
    rtt,
    regions: [...regionIds.keys()],
    regionOfPoint,
    pointWeight: Float64Array.from(geo.demand, (d) =>
      Number.isFinite(d.weight) ? Math.max(d.weight, 0) : 0,
    ),
    serviceWeight: serviceWeights(services, popularity),
  };
}

/** Warm counts per service and place after removing the members listed in `removed` (each once). */
export function countsWithout(model: LatencyModel, removed: ArrayLike<number>): Int32Array {
  const counts = model.baseCounts.slice();
  const L = model.places;
  for (let k = 0; k < removed.length; k++) {
    const i = removed[k]!;
    const p = model.placeOf[i]!;
    if (p < 0) continue;
    for (let j = model.serviceStart[i]!; j < model.serviceStart[i + 1]!; j++) {
      counts[model.memberServices[j]! * L + p]!--;
    }
  }
  return counts;
}

/** Per region: demand-weighted RTT to the nearest place with a warm member, averaged over services by their weight. */
export function regionLatency(model: LatencyModel, counts: Int32Array = model.baseCounts): RegionLatency[] {
  const R = model.regions.length;
  const served = new Float64Array(R);
  const sum = new Float64Array(R);
  const unserved = new Float64Array(R);
  const S = model.services.length;
  const L = model.places;
  model.order.forEach((order, p) => {
    const r = model.regionOfPoint[p]!;
    const rtt = model.rtt[p]!;
    for (let s = 0; s < S; s++) {
      const w = model.pointWeight[p]! * model.serviceWeight[s]!;
      if (w === 0) continue;
      let found = -1;
      for (let k = 0; k < L; k++) {
        const place = order[k]!;
        if (counts[s * L + place]! > 0) {
          found = place;
          break;
        }
      }
      if (found < 0) unserved[r]! += w;
      else {
        served[r]! += w;
        sum[r]! += w * rtt[found]!;
      }
    }
  });
  return model.regions.map((region, r) => {
    const all = served[r]! + unserved[r]!;
    return {
      region,
      meanMs: served[r]! > 0 ? sum[r]! / served[r]! : null,
      unserved: all > 0 ? unserved[r]! / all : 0,
    };
  });
}
