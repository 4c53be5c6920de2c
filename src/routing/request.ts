import { Request } from '../model/request.js';
import { parseOrThrow } from '../model/validate.js';

/** Parses and validates a routing request (defaults filled); throws an InputError naming each bad field. */
export function parseRequest(input: unknown, source = 'request'): Request {
  return parseOrThrow(Request, input, source);
}
