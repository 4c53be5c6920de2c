import type { LatLon } from '../model/common.js';
import { metroById } from './metros.js';

/**
 * Where a request's client is, as HTTP headers: `x-meridian-client-metro` (a catalog metro id) or
 * `x-meridian-client` (`lat,lon` in degrees). The gateway reads them to route, and forwards the client
 * it routed for to the chosen node, so that an emulated worker can delay its answer by the modelled
 * round trip from that client (not from the coordinator).
 */

export const CLIENT_METRO_HEADER = 'x-meridian-client-metro';
export const CLIENT_LATLON_HEADER = 'x-meridian-client';

export type ClientLocation = LatLon & { metro?: string };

type Headers = Record<string, string | string[] | undefined>;

const LAT_LON = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/;

/** `"35.68,139.69"` → `{lat, lon}`; undefined when malformed or out of range. */
export function parseLatLon(text: string): LatLon | undefined {
  const m = LAT_LON.exec(text);
  if (m === null) return undefined;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  return Math.abs(lat) > 90 || Math.abs(lon) > 180 ? undefined : { lat, lon };
}

function first(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The headers that tell a node where the client is: the metro when known, and always `lat,lon`. */
export function clientLocationHeaders(client: ClientLocation): Record<string, string> {
  const out: Record<string, string> = { [CLIENT_LATLON_HEADER]: `${client.lat},${client.lon}` };
  if (client.metro !== undefined) out[CLIENT_METRO_HEADER] = client.metro;
  return out;
}

/** The client a request's headers name (metro first, then `lat,lon`); undefined when none or invalid. */
export function clientLocationOf(headers: Headers): ClientLocation | undefined {
  const id = first(headers, CLIENT_METRO_HEADER);
  const metro = id === undefined ? undefined : metroById(id);
  if (metro !== undefined) return { lat: metro.lat, lon: metro.lon, metro: metro.id };
  const latLon = first(headers, CLIENT_LATLON_HEADER);
  return latLon === undefined ? undefined : parseLatLon(latLon);
}
