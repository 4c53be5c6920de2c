import { nearestMetro } from '../geo/nearest.js';
import type { LatLon } from '../model/common.js';
import type { Location } from '../model/node.js';
import type { WorkerProfile } from './profile.js';

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
 * - `speed`: registers the hardware of its profile while it emulates one `SPEED_LIE_FACTOR` times slower
 *   (every prefill and decode takes that many times as long), so the catalog says it is that much faster
 *   than it is.
 */
export const LIES = ['warm', 'queue', 'location', 'output', 'data', 'speed'] as const;

/** How many times slower than the hardware it registers a `speed` liar runs. */
export const SPEED_LIE_FACTOR = 8;
export type Lie = (typeof LIES)[number];

/** Lies a node tells on a share of its answers (`--lie-rate`); the others hold for its whole life. */
export const RATED_LIES: readonly Lie[] = ['warm', 'queue', 'output', 'data'];

/**
 * Whether each successive answer lies, for a liar lying at `rate` (0 to 1): answer k lies when
 * ⌊(k + 1)·rate⌋ > ⌊k·rate⌋, so exactly ⌊n·rate⌋ of the first n do, spread evenly (rate 0.5: every
 * second answer; 1: every one; 0: none).
 */
export function lieGate(rate: number): () => boolean {
  let k = 0;
  return () => {
    const before = Math.floor(k * rate);
    k++;
    return Math.floor(k * rate) > before;
  };
}

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

/** The profile a liar emulates: a `speed` liar's is `SPEED_LIE_FACTOR` times slower, anyone else's as given. */
export function emulatedProfile(profile: WorkerProfile, lie: Lie | undefined): WorkerProfile {
  return lie === 'speed' ? { ...profile, speedFactor: profile.speedFactor * SPEED_LIE_FACTOR } : profile;
}

/** The k-th token an `output` liar returns instead of the honest one. */
export function wrongTokenText(k: number): string {
  return `x${k} `;
}
