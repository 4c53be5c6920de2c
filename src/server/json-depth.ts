/**
 * Nesting depth of JSON text, measured before parsing: a body nested thousands deep costs the parser,
 * the validator and every error message a deep recursion (a stack overflow is a 500), while no request
 * the API defines nests more than a few levels.
 */

/** Deepest nesting a request body may have (objects and arrays; `{"a":[1]}` is 2). */
export const MAX_JSON_DEPTH = 64;

/**
 * True when no array or object in `text` is nested deeper than `max`. One pass over the characters,
 * skipping string contents (brackets inside strings do not count); the text need not be valid JSON.
 */
export function jsonDepthWithin(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      if (++depth > max) return false;
    } else if (ch === 93 /* ] */ || ch === 125 /* } */) depth--;
  }
  return true;
}
