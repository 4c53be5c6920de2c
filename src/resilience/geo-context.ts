/** A point with coordinates and, when known, its metro id. */
export interface Place {
  readonly lat: number;
  readonly lon: number;
  readonly metro?: string;
}

/** Where demand comes from: a metro (or any point) with its share of the traffic. */
export interface DemandPoint {
  id: string;
  region: string;
  lat: number;
  lon: number;
  weight: number;
}

/**
 * The geography the what-if analysis needs, passed in so `src/resilience` stays free of catalogs: the
 * CLI wires in the metro catalog and the RTT model from `src/geo`, tests pass small stand-ins.
 */
export interface GeoContext {
  /** Round-trip time between two points, ms. */
  rttMs(a: Place, b: Place): number;
  /** Region a member's location belongs to (capacity loss is reported per region). */
  regionOf(place: Place): string;
  /** Demand points; latency changes are reported per region of these points. */
  demand: readonly DemandPoint[];
}
