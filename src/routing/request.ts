import { InputError } from '../errors.js';
import { metroById } from '../geo/metros.js';
import { Request } from '../model/request.js';
import { parseOrThrow } from '../model/validate.js';

/** The request schema with unknown fields refused (a misspelt field would otherwise be dropped unseen). */
const StrictRequest = Request.strict();

/**
 * Parses and validates a routing request (defaults filled); throws an InputError naming each bad field:
 * an unknown field, or a client metro the catalog does not have (routing would ignore it and place the
 * client by its coordinates alone).
 */
export function parseRequest(input: unknown, source = 'request'): Request {
  const request = parseOrThrow(StrictRequest, input, source);
  const metro = request.client.metro;
  if (metro !== undefined && metroById(metro) === undefined)
    throw new InputError(source, [{ path: 'client.metro', message: 'unknown metro', value: metro }]);
  return request;
}
