import type { Place } from './geo-context.js';
import type { Member } from './member.js';

/** Members grouped by where they are, computed once per analysis (capacity per region and latency). */
export interface PlaceIndex {
  /** Place of each member, -1 without a location. */
  placeOf: Int32Array;
  /** Each place as its first member's location, in order of first appearance. */
  coords: Place[];
}

/** Members at the same metro (or the same 0.5° cell when no metro is known) share one place. */
export function placeKey(p: Place): string {
  return p.metro ?? `${Math.round(p.lat * 2) / 2},${Math.round(p.lon * 2) / 2}`;
}

export function placeIndex(members: readonly Member[]): PlaceIndex {
  const keys = new Map<string, number>();
  const coords: Place[] = [];
  const placeOf = new Int32Array(members.length).fill(-1);
  for (let i = 0; i < members.length; i++) {
    const location = members[i]!.location;
    if (location === undefined) continue;
    const key = placeKey(location);
    let p = keys.get(key);
    if (p === undefined) {
      p = coords.length;
      keys.set(key, p);
      coords.push(location);
    }
    placeOf[i] = p;
  }
  return { placeOf, coords };
}
