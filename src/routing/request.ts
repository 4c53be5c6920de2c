import { InputError } from '../errors.js';
import { metroById } from '../geo/metros.js';
import { Request } from '../model/request.js';
import { parseOrThrow } from '../model/validate.js';

/** The request schema with unknown fields refused (a misspelt field would otherwise be dropped unseen). */
const StrictRequest = Request.strict();

/**
 * Parses and validates a routing request (defaults filled); throws an InputError naming each bad field:
 * an unknown field, or a client metro the catalog does not have (routing would ignore it and place the
 * client by its coordinates alone). A client given by its metro alone (`{"metro": "tokyo"}`) is placed at
 * the metro's coordinates, as the gateway places one named by `x-meridian-client-metro`.
 */
export function parseRequest(input: unknown, source = 'request'): Request {
  const metro = clientMetro(input);
  const unknown =
    metro !== undefined && metroById(metro) === undefined
      ? [{ path: 'client.metro', message: 'unknown metro', value: metro }]
      : [];
  let request: Request;
  try {
    request = parseOrThrow(StrictRequest, withMetroCoordinates(input, metro), source);
  } catch (e) {
    // Every problem at once: the unknown metro first, then what the schema found.
    if (unknown.length > 0 && e instanceof InputError)
      throw new InputError(source, [...unknown, ...e.issues]);
    throw e;
  }
  if (unknown.length > 0) throw new InputError(source, unknown);
  return request;
}

/** The `client.metro` of a raw request, when it is a string. */
function clientMetro(input: unknown): string | undefined {
  const client = isRecord(input) ? input.client : undefined;
  return isRecord(client) && typeof client.metro === 'string' ? client.metro : undefined;
}

/** `input` with its client's missing lat and lon taken from metro `id` (when the catalog has it). */
function withMetroCoordinates(input: unknown, id: string | undefined): unknown {
  const m = id === undefined ? undefined : metroById(id);
  if (m === undefined || !isRecord(input) || !isRecord(input.client)) return input;
  const client = input.client;
  if (client.lat !== undefined || client.lon !== undefined) return input;
  return { ...input, client: { ...client, lat: m.lat, lon: m.lon } };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
