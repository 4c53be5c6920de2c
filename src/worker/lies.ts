import { nearestMetro } from '../geo/nearest.js';
import type { LatLon } from '../model/common.js';
import type { Location } from '../model/node.js';

/**
 * The ways an emulated worker can lie about itself (`meridian worker --lie KIND`), for testing the
 * coordinator's checks against real processes:
 * - `warm`: reports every model it serves as loaded in accelerator memory although it is not, and pays
 *   the load on first use;
 * - `queue`: reports no request running or waiting, whatever its slots and queue hold;
 * - `location`: registers at the antipode of its place while its delays stay those of where it is;
 * - `output`: returns wrong text (a different token stream than an honest worker);
 * - `data`: registers its datasets but answers each challenge with a chunk that is not the content it
 *   registered (one bit off), as a node would that kept only the Merkle root.
 */
export const LIES = ['warm', 'queue', 'location', 'output', 'data'] as const;
export type Lie = (typeof LIES)[number];

export function isLie(v: string): v is Lie {
  return (LIES as readonly string[]).includes(v);
}

/** The point on the other side of the Earth: as far from `p` as a place can be (≈ 20,000 km). */
export function antipode(p: LatLon): LatLon {
  return { lat: -p.lat, lon: p.lon > 0 ? p.lon - 180 : p.lon + 180 };
}

/** The place a `location` liar claims: the catalog metro nearest the antipode of where it is. */
export function farPlace(at: Location): Location {
  const m = nearestMetro(antipode(at))!;
  return { lat: m.lat, lon: m.lon, metro: m.id };
}

/** The k-th token an `output` liar returns instead of the honest one. */
export function wrongTokenText(k: number): string {
  return `x${k} `;
}
