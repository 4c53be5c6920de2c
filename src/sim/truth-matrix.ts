import { readFileSync } from 'node:fs';
import { NotFoundError } from '../errors.js';
import { METROS } from '../geo/metros.js';
import { joinCoords, loadRttMatrix, parseRttMatrix, type RttMatrix } from '../geo/rtt-matrix.js';
import type { LatLon } from '../model/common.js';

/** `New York`, `new-york` and `NewYork` all become `newyork`. */
function key(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * The measured matrix a scenario names. With a coordinates file, cities are joined on it; without one,
 * each matrix city takes the coordinates of the catalog metro of the same name or id (cities without a
 * match are dropped).
 */
export function loadTruthMatrix(rtt: { matrix: string; coords?: string }): RttMatrix {
  if (rtt.coords !== undefined) return loadRttMatrix(rtt.matrix, rtt.coords);
  let text: string;
  try {
    text = readFileSync(rtt.matrix, 'utf8');
  } catch (e) {
    throw new NotFoundError(`RTT matrix file not found: ${rtt.matrix}`, { cause: e });
  }
  const raw = parseRttMatrix(text, rtt.matrix);
  const byKey = new Map<string, LatLon>();
  for (const m of METROS) {
    byKey.set(key(m.id), m);
    byKey.set(key(m.name), m);
  }
  const coords = new Map<string, LatLon>();
  for (const name of raw.names) {
    const m = byKey.get(key(name));
    if (m) coords.set(name, { lat: m.lat, lon: m.lon });
  }
  return joinCoords(raw, coords);
}
