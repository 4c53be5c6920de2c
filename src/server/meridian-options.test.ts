import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { parseRequest } from '../routing/request.js';
import {
  BODY_FIELD,
  carriedOptions,
  type MeridianOptions,
  OPTIONS,
  readOptions,
} from './meridian-options.js';
import { toRouteRequest } from './openai.js';

const HOME = { lat: 50.11, lon: 8.68, metro: 'frankfurt' };
const body = (meridian?: unknown) => ({
  model: 'llama-3.1-8b-instruct',
  messages: [{ role: 'user', content: 'ping' }],
  ...(meridian === undefined ? {} : { meridian }),
});

type Headers = Record<string, string>;

/** [case, headers, body field, the options read (besides the client, which is HOME)]. */
const ACCEPTED: [string, Headers, unknown, Omit<MeridianOptions, 'client'>][] = [
  ['nothing given: no options', {}, undefined, {}],
  ['an empty meridian object: no options', {}, {}, {}],
  ['verification tee in the body', {}, { verification: 'tee' }, { verification: 'tee' }],
  [
    'verification zkml in a header',
    { 'x-meridian-verification': 'zkml' },
    undefined,
    { verification: 'zkml' },
  ],
  ['tee true in the body', {}, { tee: true }, { requireTee: true }],
  ['tee "1" in a header', { 'x-meridian-tee': '1' }, undefined, { requireTee: true }],
  ['tee "FALSE" in a header', { 'x-meridian-tee': 'FALSE' }, undefined, { requireTee: false }],
  ['countries ["fr","DE","FR"] → DE, FR', {}, { countries: ['fr', 'DE', 'FR'] }, { countries: ['DE', 'FR'] }],
  ['countries header "jp, us"', { 'x-meridian-countries': 'jp, us' }, undefined, { countries: ['JP', 'US'] }],
  ['max price 0.002 in the body', {}, { max_price_per_1k_tokens: 0.002 }, { maxPricePer1kTokens: 0.002 }],
  ['max price 0 in a header', { 'x-meridian-max-price': '0' }, undefined, { maxPricePer1kTokens: 0 }],
  [
    'max price 2e-3 in a header',
    { 'x-meridian-max-price': '2e-3' },
    undefined,
    { maxPricePer1kTokens: 0.002 },
  ],
  ['dataset in the body', {}, { dataset: 'genomes-eu' }, { dataset: 'genomes-eu' }],
  ['dataset in a header', { 'x-meridian-dataset': 'genomes-eu' }, undefined, { dataset: 'genomes-eu' }],
  ['deadline 5000 in the body', {}, { deadline_ms: 5000 }, { deadlineMs: 5000 }],
  [
    'deadline 86400000 (the most) in a header',
    { 'x-meridian-deadline-ms': '86400000' },
    undefined,
    { deadlineMs: 86_400_000 },
  ],
  [
    'header and body agreeing (countries in another order and case)',
    { 'x-meridian-countries': 'FR,de', 'x-meridian-tee': 'true' },
    { countries: ['de', 'fr'], tee: true },
    { countries: ['DE', 'FR'], requireTee: true },
  ],
  [
    'some options in headers, others in the body',
    { 'x-meridian-verification': 'vanilla' },
    { max_price_per_1k_tokens: 1.5, countries: ['JP'] },
    { verification: 'vanilla', maxPricePer1kTokens: 1.5, countries: ['JP'] },
  ],
];

/** [case, headers, body field, the words the 400 must contain]. */
const REFUSED: [string, Headers, unknown, string[]][] = [
  [
    'verification "strong"',
    { 'x-meridian-verification': 'strong' },
    undefined,
    ['headers: x-meridian-verification: expected one of none, vanilla, tee, zkml', '(got "strong")'],
  ],
  ['verification 3 in the body', {}, { verification: 3 }, ['body: meridian.verification:', '(got 3)']],
  [
    'tee "yes"',
    { 'x-meridian-tee': 'yes' },
    undefined,
    ['x-meridian-tee: expected true or false', '(got "yes")'],
  ],
  [
    'tee "true" (a string) in the body',
    {},
    { tee: 'true' },
    ['meridian.tee: expected true or false', '(got "true")'],
  ],
  [
    'countries "DEU"',
    { 'x-meridian-countries': 'DEU' },
    undefined,
    ['x-meridian-countries: expected ISO 3166-1 alpha-2', '(got "DEU")'],
  ],
  [
    'countries "DE,,FR"',
    { 'x-meridian-countries': 'DE,,FR' },
    undefined,
    ['x-meridian-countries:', '(got "DE,,FR")'],
  ],
  [
    'countries [] (nowhere)',
    {},
    { countries: [] },
    ['meridian.countries: expected ISO 3166-1 alpha-2', '(got [])'],
  ],
  ['countries "DE" (not a list) in the body', {}, { countries: 'DE' }, ['meridian.countries:', '(got "DE")']],
  [
    'max price -0.1',
    { 'x-meridian-max-price': '-0.1' },
    undefined,
    ['x-meridian-max-price: expected a price in USD per 1,000 tokens', '(got "-0.1")'],
  ],
  [
    'max price "cheap"',
    { 'x-meridian-max-price': 'cheap' },
    undefined,
    ['x-meridian-max-price:', '(got "cheap")'],
  ],
  [
    'max price "0.002" (a string) in the body',
    {},
    { max_price_per_1k_tokens: '0.002' },
    ['meridian.max_price_per_1k_tokens:', '(got "0.002")'],
  ],
  [
    'dataset "../etc"',
    { 'x-meridian-dataset': '../etc' },
    undefined,
    ['x-meridian-dataset: expected a dataset id', '(got "../etc")'],
  ],
  ['dataset "" in the body', {}, { dataset: '' }, ['meridian.dataset:', '(got "")']],
  [
    'deadline 0',
    { 'x-meridian-deadline-ms': '0' },
    undefined,
    ['x-meridian-deadline-ms: expected a number of ms in (0, 86400000]', '(got "0")'],
  ],
  [
    'deadline 86400001 in the body',
    {},
    { deadline_ms: 86_400_001 },
    ['meridian.deadline_ms:', '(got 86400001)'],
  ],
  [
    'client metro "atlantis"',
    { 'x-meridian-client-metro': 'atlantis' },
    undefined,
    ['headers: x-meridian-client-metro: expected a metro id of the catalog (got "atlantis")'],
  ],
  [
    'client "91,0" in the body',
    {},
    { client: '91,0' },
    ['meridian.client: expected where the client is', '(got "91,0")'],
  ],
  [
    'an unknown option "country"',
    {},
    { country: 'DE' },
    ['body: meridian.country: not a meridian option (known: client_metro, client,', '(got "DE")'],
  ],
  ['meridian a string', {}, 'tee', ['body: meridian: expected an object of meridian options', '(got "tee")']],
  ['meridian null', {}, null, ['body: meridian: expected an object', '(got null)']],
  [
    'countries JP in the header, DE in the body',
    { 'x-meridian-countries': 'JP' },
    { countries: ['DE'] },
    [
      'request: x-meridian-countries and meridian.countries: the header and the body field disagree',
      '(got {"header":"JP","body":["DE"]})',
    ],
  ],
  [
    'tee false in the header, true in the body',
    { 'x-meridian-tee': 'false' },
    { tee: true },
    ['x-meridian-tee and meridian.tee: the header and the body field disagree'],
  ],
  [
    'max price 0.001 in the header, 0.002 in the body',
    { 'x-meridian-max-price': '0.001' },
    { max_price_per_1k_tokens: 0.002 },
    ['x-meridian-max-price and meridian.max_price_per_1k_tokens: the header and the body field disagree'],
  ],
];

function read(headers: Headers, meridian: unknown) {
  return readOptions(headers, body(meridian), HOME);
}

describe('readOptions', () => {
  it.each(ACCEPTED)('%s', (_name, headers, meridian, expected) => {
    const { options } = read(headers, meridian);
    expect(options).toEqual({ client: HOME, ...expected });
  });

  it.each(REFUSED)('refuses %s with a 400 naming it and the value', (_name, headers, meridian, words) => {
    let error: unknown;
    try {
      read(headers, meridian);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    for (const w of words) expect((error as InputError).message).toContain(w);
  });

  it('every option has a header x-meridian-… and a body key; no two share either', () => {
    expect(new Set(OPTIONS.map((o) => o.header)).size).toBe(OPTIONS.length);
    expect(new Set(OPTIONS.map((o) => o.key)).size).toBe(OPTIONS.length);
    for (const o of OPTIONS) expect(o.header).toMatch(/^x-meridian-[a-z-]+$/);
  });

  it('removes the meridian field from the body that goes to the node, and keeps every other field', () => {
    const sent = { ...body({ countries: ['JP'] }), temperature: 0.2, user: 'u' };
    const out = readOptions({}, sent, HOME).body;
    expect(BODY_FIELD in out).toBe(false);
    expect(out).toEqual({ ...body(), temperature: 0.2, user: 'u' });
    expect(BODY_FIELD in sent).toBe(true); // the client's object is not changed
  });

  it('passes a body without the field through as the same object (no copy)', () => {
    const b = body();
    expect(readOptions({ 'x-meridian-tee': 'true' }, b, HOME).body).toBe(b);
  });

  it('places the client at Tokyo (35.68, 139.69) from the metro, over a lat,lon also given', () => {
    const { options } = read({ 'x-meridian-client': '1,2' }, { client_metro: 'tokyo' });
    expect(options.client.metro).toBe('tokyo');
    expect(options.client.lat).toBeCloseTo(35.68, 1);
    expect(options.client.lon).toBeCloseTo(139.69, 1);
  });

  it('takes a client {lat: -33.87, lon: 151.21} from the body', () => {
    expect(read({}, { client: { lat: -33.87, lon: 151.21 } }).options.client).toEqual({
      lat: -33.87,
      lon: 151.21,
    });
  });
});

describe('the options in the routing request and the receipt', () => {
  const opts = {
    client: HOME,
    verification: 'tee',
    requireTee: true,
    countries: ['DE', 'FR'],
    maxPricePer1kTokens: 0.002,
    dataset: 'genomes-eu',
    deadlineMs: 5000,
  } as const;
  const settings = { defaultOutputTokens: 16, fallbacks: 2, hedge: false };

  it('fills the Request fields route() reads, and the Request is one `meridian route` would accept as it is', () => {
    const req = toRouteRequest('chat', body(), { ...opts, countries: [...opts.countries] }, settings);
    expect(req.verification).toBe('tee');
    expect(req.dataset).toBe('genomes-eu');
    expect(req.deadlineMs).toBe(5000);
    expect(req.constraints).toMatchObject({
      requireTee: true,
      countries: ['DE', 'FR'],
      maxPricePer1kTokens: 0.002,
    });
    expect(parseRequest(req)).toEqual(req);
  });

  it('leaves the defaults (verification none, no TEE, any country, any price, no dataset) when nothing was asked', () => {
    const req = toRouteRequest('chat', body(), { client: HOME }, settings);
    expect(parseRequest(req)).toEqual(req);
    expect(req.verification).toBe('none');
    expect(req.constraints.requireTee).toBe(false);
    expect(req.constraints.countries).toBeUndefined();
    expect(req.constraints.maxPricePer1kTokens).toBeUndefined();
    expect(req.dataset).toBeUndefined();
  });

  it('records the options under their body names, and nothing for options not given', () => {
    expect(carriedOptions({ ...opts, countries: [...opts.countries] })).toEqual({
      deadline_ms: 5000,
      verification: 'tee',
      tee: true,
      countries: ['DE', 'FR'],
      max_price_per_1k_tokens: 0.002,
      dataset: 'genomes-eu',
    });
    expect(carriedOptions({ client: HOME })).toEqual({});
  });
});
