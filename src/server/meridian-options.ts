import { InputError, type InputIssue } from '../errors.js';
import { type ClientLocation, parseLatLon } from '../geo/client-location.js';
import { metroById } from '../geo/metros.js';
import { Id } from '../model/common.js';
import { VERIFICATION_REQUIREMENTS, type VerificationRequirement } from '../model/request.js';

/**
 * The meridian options a client can add to an OpenAI request: where it is, its deadline and the
 * constraints of the meridian `Request` (verification, TEE, countries, price ceiling, dataset). Each can
 * come in a header (`x-meridian-…`) or in the body field `meridian` (`{"meridian": {"countries": […]}}`),
 * which the official clients send as-is (openai-node: extra create params; Python: `extra_body`). The
 * field is removed before the body goes to a node. `OPTIONS` below is the one list of names and rules.
 */

/** The body field that carries the options. */
export const BODY_FIELD = 'meridian';

export interface MeridianOptions {
  client: ClientLocation;
  deadlineMs?: number;
  verification?: VerificationRequirement;
  requireTee?: boolean;
  /** ISO 3166-1 alpha-2 codes, upper case, sorted, without repeats. */
  countries?: string[];
  maxPricePer1kTokens?: number;
  dataset?: string;
}

/** One option: its body key, its header, what a good value is, and how each form reads. */
interface OptionSpec {
  key: string;
  header: string;
  /** The field of `MeridianOptions` it sets (the two client options together set `client`). */
  field?: Exclude<keyof MeridianOptions, 'client'>;
  /** What a good value looks like (for the 400 message and the docs). */
  expected: string;
  /** The value of a header's text, or undefined when malformed. */
  fromHeader(text: string): unknown;
  /** The value of a body field, or undefined when malformed. */
  fromBody(value: unknown): unknown;
}

const MAX_DEADLINE_MS = 86_400_000;
const NUMBER = /^\s*\d+(\.\d+)?([eE][-+]?\d+)?\s*$/;
const COUNTRY = /^[A-Za-z]{2}$/;
const MAX_COUNTRIES = 300;

const inRange = (lo: number, hi: number, openLo: boolean) => (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) && (openLo ? v > lo : v >= lo) && v <= hi ? v : undefined;
const numberText = (check: (v: unknown) => unknown) => (t: string) =>
  NUMBER.test(t) ? check(Number(t)) : undefined;

const deadline = inRange(0, MAX_DEADLINE_MS, true);
const price = inRange(0, 1e9, false);

function metro(v: unknown): unknown {
  return typeof v === 'string' ? metroById(v.trim())?.id : undefined;
}

function latLon(v: unknown): unknown {
  if (typeof v === 'string') return parseLatLon(v);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const { lat, lon, ...rest } = v as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof lat !== 'number' || typeof lon !== 'number') return undefined;
  return parseLatLon(`${lat},${lon}`);
}

function verification(v: unknown): unknown {
  const text = typeof v === 'string' ? v.trim() : v;
  return VERIFICATION_REQUIREMENTS.find((r) => r === text);
}

function countries(list: unknown): unknown {
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_COUNTRIES) return undefined;
  const out = new Set<string>();
  for (const c of list) {
    if (typeof c !== 'string' || !COUNTRY.test(c.trim())) return undefined;
    out.add(c.trim().toUpperCase());
  }
  return [...out].sort();
}

function dataset(v: unknown): unknown {
  const r = Id.safeParse(typeof v === 'string' ? v.trim() : v);
  return r.success ? r.data : undefined;
}

export const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'client_metro',
    header: 'x-meridian-client-metro',
    expected: 'a metro id of the catalog',
    fromHeader: metro,
    fromBody: metro,
  },
  {
    key: 'client',
    header: 'x-meridian-client',
    expected: 'where the client is: "lat,lon" in degrees (in the body also {"lat": …, "lon": …})',
    fromHeader: latLon,
    fromBody: latLon,
  },
  {
    key: 'deadline_ms',
    field: 'deadlineMs',
    header: 'x-meridian-deadline-ms',
    expected: `a number of ms in (0, ${MAX_DEADLINE_MS}]`,
    fromHeader: numberText(deadline),
    fromBody: deadline,
  },
  {
    key: 'verification',
    field: 'verification',
    header: 'x-meridian-verification',
    expected: `one of ${VERIFICATION_REQUIREMENTS.join(', ')}`,
    fromHeader: verification,
    fromBody: verification,
  },
  {
    key: 'tee',
    field: 'requireTee',
    header: 'x-meridian-tee',
    expected: 'true or false (whether the request must run in a TEE)',
    fromHeader: (t) => ({ true: true, false: false, '1': true, '0': false })[t.trim().toLowerCase()],
    fromBody: (v) => (typeof v === 'boolean' ? v : undefined),
  },
  {
    key: 'countries',
    field: 'countries',
    header: 'x-meridian-countries',
    expected: `ISO 3166-1 alpha-2 country codes (1 to ${MAX_COUNTRIES}), in a header separated by commas`,
    fromHeader: (t) => countries(t.split(',')),
    fromBody: countries,
  },
  {
    key: 'max_price_per_1k_tokens',
    field: 'maxPricePer1kTokens',
    header: 'x-meridian-max-price',
    expected: 'a price in USD per 1,000 tokens, 0 or more',
    fromHeader: numberText(price),
    fromBody: price,
  },
  {
    key: 'dataset',
    field: 'dataset',
    header: 'x-meridian-dataset',
    expected: 'a dataset id (letters, digits and ._:/@+-)',
    fromHeader: dataset,
    fromBody: dataset,
  },
];

const KEYS = new Set(OPTIONS.map((o) => o.key));

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** What `readOptions` gives: the options and the body as it goes to a node (without the `meridian` field). */
export interface ReadOptions<B extends object> {
  options: MeridianOptions;
  body: B;
}

/**
 * Reads the options of a request from its headers and its body's `meridian` field; `fallback` is the
 * client when the request names none (a metro wins over `lat,lon` when both are given). InputError (400)
 * naming the header or field and the value: bad headers first, then bad body fields, then any option given
 * in both places with different values.
 */
export function readOptions<B extends object>(
  headers: Headers,
  body: B,
  fallback: ClientLocation,
): ReadOptions<B> {
  const inBody = BODY_FIELD in body;
  // Most requests carry no option: then the options are the fallback client alone (nothing to check).
  if (!inBody && !OPTIONS.some((o) => headers[o.header] !== undefined))
    return { options: { client: fallback }, body };
  const raw = inBody ? (body as Record<string, unknown>)[BODY_FIELD] : undefined;
  const headerIssues: InputIssue[] = [];
  const bodyIssues: InputIssue[] = [];
  const conflicts: InputIssue[] = [];
  if (inBody && (raw === null || typeof raw !== 'object' || Array.isArray(raw)))
    bodyIssues.push({
      path: BODY_FIELD,
      message: `expected an object of meridian options (${[...KEYS].join(', ')})`,
      value: raw,
    });
  const fields = (bodyIssues.length === 0 ? (raw ?? {}) : {}) as Record<string, unknown>;
  for (const k of Object.keys(fields))
    if (!KEYS.has(k))
      bodyIssues.push({
        path: `${BODY_FIELD}.${k}`,
        message: `not a meridian option (known: ${[...KEYS].join(', ')})`,
        value: fields[k],
      });

  const values = new Map<string, unknown>();
  for (const o of OPTIONS) {
    const text = header(headers, o.header);
    const fromHeader = text === undefined ? undefined : o.fromHeader(text);
    if (text !== undefined && fromHeader === undefined)
      headerIssues.push({ path: o.header, message: `expected ${o.expected}`, value: text });
    const given = fields[o.key];
    const fromBody = given === undefined ? undefined : o.fromBody(given);
    if (given !== undefined && fromBody === undefined)
      bodyIssues.push({ path: `${BODY_FIELD}.${o.key}`, message: `expected ${o.expected}`, value: given });
    if (fromHeader !== undefined && fromBody !== undefined && !same(fromHeader, fromBody))
      conflicts.push({
        path: `${o.header} and ${BODY_FIELD}.${o.key}`,
        message: 'the header and the body field disagree; give one, or the same value in both',
        value: { header: text, body: given },
      });
    const v = fromHeader ?? fromBody;
    if (v !== undefined) values.set(o.key, v);
  }
  if (headerIssues.length > 0) throw new InputError('headers', headerIssues);
  if (bodyIssues.length > 0) throw new InputError('body', bodyIssues);
  if (conflicts.length > 0) throw new InputError('request', conflicts);

  const options = optionsOf(values, fallback);
  if (!inBody) return { options, body };
  const { [BODY_FIELD]: _, ...rest } = body as Record<string, unknown>;
  return { options, body: rest as B };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function optionsOf(values: Map<string, unknown>, fallback: ClientLocation): MeridianOptions {
  const metroId = values.get('client_metro') as string | undefined;
  const m = metroId === undefined ? undefined : metroById(metroId);
  const at = values.get('client') as ClientLocation | undefined;
  const out: Record<string, unknown> = {
    client: m !== undefined ? { lat: m.lat, lon: m.lon, metro: m.id } : (at ?? fallback),
  };
  for (const o of OPTIONS) if (o.field !== undefined && values.has(o.key)) out[o.field] = values.get(o.key);
  return out as unknown as MeridianOptions;
}

/**
 * The options a request carried besides where its client is, under their body-field names, as its
 * receipt records them (the client is recorded on its own).
 */
export function carriedOptions(o: MeridianOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    const v = spec.field === undefined ? undefined : o[spec.field];
    if (v !== undefined) out[spec.key] = v;
  }
  return out;
}
