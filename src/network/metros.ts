import { METROS, metroById } from '../geo/metros.js';
import type { LatLon } from '../model/common.js';

/** Round-trip time between two points in ms (the geo model, or any stand-in a caller passes). */
export type RttFunction = (a: LatLon, b: LatLon) => number;

/**
 * The metros a network knows, with a precomputed RTT table between every metro and every metro that holds
 * nodes. Node metros come first (indexes `0 .. nodeMetroCount-1`); client-only metros (the rest of the
 * catalog) follow, so a client from any catalog metro is one table lookup away from every node.
 */
export interface MetroTable {
  readonly ids: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** Number of metros that hold at least one node (the table's column count). */
  readonly nodeMetroCount: number;
  /** Centre of each metro: the catalog's coordinates, else the mean of its nodes. */
  readonly points: readonly LatLon[];
  /** Geo-model RTT in ms, `metros × nodeMetroCount`, row = from. */
  readonly baseRtt: Float64Array;
  /** For each metro, the node metros sorted by RTT from it (`metros × nodeMetroCount`). */
  readonly order: Int32Array;
}

export interface NodePlace {
  metro: string;
  lat: number;
  lon: number;
}

/** Builds the table for the node metros in `places` plus every catalog metro (when `withCatalog`). */
export function buildMetroTable(
  places: readonly NodePlace[],
  rtt: RttFunction,
  withCatalog = true,
): MetroTable {
  const ids: string[] = [];
  const index = new Map<string, number>();
  const sums: { lat: number; lon: number; n: number }[] = [];
  for (const p of places) {
    let k = index.get(p.metro);
    if (k === undefined) {
      k = ids.length;
      index.set(p.metro, k);
      ids.push(p.metro);
      sums.push({ lat: 0, lon: 0, n: 0 });
    }
    const s = sums[k]!;
    s.lat += p.lat;
    s.lon += p.lon;
    s.n++;
  }
  const nodeMetroCount = ids.length;
  const points: LatLon[] = ids.map((id, k) => {
    const m = metroById(id);
    const s = sums[k]!;
    return m ? { lat: m.lat, lon: m.lon } : { lat: s.lat / s.n, lon: s.lon / s.n };
  });
  if (withCatalog) {
    for (const m of METROS) {
      if (index.has(m.id)) continue;
      index.set(m.id, ids.length);
      ids.push(m.id);
      points.push({ lat: m.lat, lon: m.lon });
    }
  }
  const total = ids.length;
  const baseRtt = new Float64Array(total * nodeMetroCount);
  for (let a = 0; a < total; a++) {
    for (let b = 0; b < nodeMetroCount; b++) baseRtt[a * nodeMetroCount + b] = rtt(points[a]!, points[b]!);
  }
  const order = new Int32Array(total * nodeMetroCount);
  const row: number[] = Array.from({ length: nodeMetroCount }, (_, b) => b);
  for (let a = 0; a < total; a++) {
    const base = a * nodeMetroCount;
    row.sort((x, y) => baseRtt[base + x]! - baseRtt[base + y]! || x - y);
    for (let b = 0; b < nodeMetroCount; b++) order[base + b] = row[b]!;
  }
  return { ids, index, nodeMetroCount, points, baseRtt, order };
}
