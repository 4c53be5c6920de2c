import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope } from '../src/agent/coordinator-client.js';
import { generateIdentity } from '../src/wire/identity.js';
import {
  ADMIN,
  beat,
  descriptor,
  heartbeat,
  register,
  startCoordinator,
  startWorker,
  type TestCoordinator,
  type TestNode,
  type TestWorker,
  TOKEN_A,
} from './server-kit.js';

/**
 * Every endpoint gets ≥ 1,000 random and malformed bodies (fast-check, fixed seed) through inject():
 * the answer is never a 5xx, every error is JSON `{ error: { code, message } }`, and the app still answers
 * /healthz afterwards.
 */

const RUNS = 1000;
let c: TestCoordinator;
let worker: TestWorker;
let node: TestNode;

beforeAll(async () => {
  worker = await startWorker();
  // One heartbeat must keep the node healthy for the whole run (minutes on a loaded machine).
  c = await startCoordinator({
    gateway: { bodyLimitBytes: 64 * 1024 },
    telemetry: { staleAfterMs: 3_600_000, unhealthyAfterMs: 7_200_000 },
  });
  node = await register(c, descriptor('n1'), worker.url);
  expect(await beat(c, node)).toBe(200);
});
afterAll(async () => {
  await c.close();
  await worker.close();
});

type Json = Record<string, unknown>;

/** Every path inside a JSON value (objects and arrays), the root excluded. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(v)
    ? v.map((x, i) => [i, x])
    : Object.entries(v);
  return entries.flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]);
}

/** A copy of `base` with one field (at any depth) replaced by anything, deleted, or a field added. */
function mutation(base: Json): fc.Arbitrary<unknown> {
  const all = paths(base);
  return fc
    .tuple(
      fc.nat({ max: all.length - 1 }),
      fc.constantFrom('replace', 'delete', 'add'),
      fc.anything(),
      fc.string(),
    )
    .map(([i, op, value, key]) => {
      const copy = structuredClone(base) as Json;
      const path = all[i]!;
      let parent: Record<string | number, unknown> = copy;
      for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
      const last = path[path.length - 1]!;
      if (op === 'delete') delete parent[last];
      else if (op === 'add') (parent as Json)[key] = value;
      else parent[last] = value;
      return copy;
    });
}

interface Body {
  payload: string;
  contentType: string | undefined;
}

/** Valid-looking bodies with one mutation, arbitrary JSON, arbitrary text, and bytes, with odd content types. */
function bodies(valid: fc.Arbitrary<Json>): fc.Arbitrary<Body> {
  const json = fc.oneof(
    { weight: 4, arbitrary: valid.chain(mutation).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: valid.map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.anything().map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', '{', '[]', 'null', '{"__proto__":{"x":1}}', '{"a":1}'.repeat(20_000)),
    },
  );
  const type = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        undefined,
        'text/plain',
        'application/json; charset=latin1',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/jso',
      ),
    },
  );
  return fc.record({ payload: json, contentType: type });
}

async function send(opts: InjectOptions & { body: Body }): Promise<void> {
  const headers: Record<string, string> = { ...(opts.headers as Record<string, string>) };
  if (opts.body.contentType !== undefined) headers['content-type'] = opts.body.contentType;
  const res = await c.app.inject({ method: opts.method, url: opts.url, headers, payload: opts.body.payload });
  if (res.statusCode >= 500)
    throw new Error(
      `${opts.method} ${opts.url} → ${res.statusCode} ${res.body} for ${opts.body.payload.slice(0, 300)}`,
    );
  if (res.statusCode >= 400) {
    const err = (res.json() as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof err?.code !== 'string' || typeof err.message !== 'string')
      throw new Error(`not a JSON error: ${res.body}`);
  }
}

const chat = fc.record({
  model: fc.constantFrom('llama-3.1-8b-instruct', 'gpt-4o'),
  messages: fc.constant([{ role: 'user', content: 'hello' }]),
  max_tokens: fc.integer({ min: 1, max: 8 }),
  stream: fc.boolean(),
});
const completion = fc.record({
  model: fc.constant('llama-3.1-8b-instruct'),
  prompt: fc.string({ maxLength: 20 }),
  max_tokens: fc.integer({ min: 1, max: 8 }),
  stream: fc.boolean(),
});
const routeReq = fc.record({
  model: fc.constant('llama-3.1-8b-instruct'),
  client: fc.record({
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
  }),
  inputTokens: fc.nat({ max: 4000 }),
  outputTokens: fc.nat({ max: 4000 }),
});
const key = generateIdentity();
let regId = 0;
const registration = fc.constant(null).map(() => {
  const id = `fz${regId++}`;
  return envelope(
    'register',
    {
      node: descriptor(id),
      endpoint: 'http://127.0.0.1:9',
      publicKey: key.publicKeyText,
      signedAt: Date.now(),
    },
    key,
  ) as unknown as Json;
});
const signedHeartbeat = fc
  .constant(null)
  .map(() => envelope('heartbeat', heartbeat(node), node.key) as unknown as Json);
/** A heartbeat payload mutated, then signed by the node's key: the payload itself must be validated. */
const signedMutatedHeartbeat = fc
  .constant(null)
  .chain(() => mutation(heartbeat(node) as unknown as Json))
  .map((p) => envelope('heartbeat', p, node.key) as unknown as Json);

const property = (run: (body: Body) => Promise<void>, arb: fc.Arbitrary<Body>) =>
  fc.assert(fc.asyncProperty(arb, run), { numRuns: RUNS, seed: 20_260_601 });

describe(`fuzzing every endpoint with ${RUNS} bodies: only 4xx for bad input, never 5xx`, () => {
  it('POST /v1/chat/completions', () =>
    property((body) => send({ method: 'POST', url: '/v1/chat/completions', body }), bodies(chat)));

  it('POST /v1/completions', () =>
    property((body) => send({ method: 'POST', url: '/v1/completions', body }), bodies(completion)));

  it('POST /v1/route', () =>
    property((body) => send({ method: 'POST', url: '/v1/route', body }), bodies(routeReq)));

  it('POST /v1/nodes (registration with a valid token)', () =>
    property(
      (body) =>
        send({ method: 'POST', url: '/v1/nodes', headers: { authorization: `Bearer ${TOKEN_A}` }, body }),
      bodies(registration),
    ));

  it('POST /v1/heartbeats (random envelopes and signed malformed payloads)', () =>
    property(
      (body) => send({ method: 'POST', url: '/v1/heartbeats', body }),
      fc.oneof(
        bodies(signedHeartbeat),
        signedMutatedHeartbeat.map((e) => ({ payload: JSON.stringify(e), contentType: 'application/json' })),
      ),
    ));

  it('PUT /v1/nodes/:id', () =>
    property((body) => send({ method: 'PUT', url: '/v1/nodes/n1', body }), bodies(signedHeartbeat)));

  it('DELETE /v1/nodes/:id (never with a valid signature)', () =>
    property(
      (body) => send({ method: 'DELETE', url: '/v1/nodes/n1', body }),
      bodies(fc.constant({ payload: '{}', signature: 'x' })),
    ));

  it('POST /v1/admin/tokens', () =>
    property(
      (body) =>
        send({
          method: 'POST',
          url: '/v1/admin/tokens',
          headers: { authorization: `Bearer ${ADMIN}` },
          body,
        }),
      bodies(fc.record({ operator: fc.constantFrom('op-x', 'op y'), note: fc.string({ maxLength: 10 }) })),
    ));

  it('GET /v1/receipts/:id and unknown paths with arbitrary ids', () =>
    fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 120 }),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        async (id, method) => {
          const url = `/v1/receipts/${encodeURIComponent(id)}`;
          const res = await c.app.inject({ method: method as 'GET', url });
          expect(res.statusCode).toBeLessThan(500);
          const other = await c.app.inject({
            method: method as 'GET',
            url: `/${encodeURIComponent(id)}?${encodeURIComponent(id)}`,
          });
          expect(other.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS, seed: 20_260_601 },
    ));

  it('a body nested 10,000 deep (20 KB) gets 400 invalid_input on every POST endpoint, never 500', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const bodies = [
      deep,
      `{"model":"llama-3.1-8b-instruct","messages":[{"role":"user","content":${deep}}]}`,
      `{"model":"llama-3.1-8b-instruct","messages":[{"role":"user","content":"x","extra":${deepObject}}]}`,
      `{"payload":"{}","signature":${deep}}`,
    ];
    expect(bodies[0]!.length).toBe(20_000);
    const urls: [InjectOptions['method'], string][] = [
      ['POST', '/v1/chat/completions'],
      ['POST', '/v1/completions'],
      ['POST', '/v1/route'],
      ['POST', '/v1/nodes'],
      ['POST', '/v1/heartbeats'],
      ['PUT', '/v1/nodes/n1'],
      ['DELETE', '/v1/nodes/n1'],
      ['POST', '/v1/admin/tokens'],
    ];
    for (const [method, url] of urls)
      for (const payload of bodies) {
        const res = await c.app.inject({
          method,
          url,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
          payload,
        });
        expect([method, url, res.statusCode]).toEqual([method, url, 400]);
        expect((res.json() as { error: { message: string } }).error.message).toBe(
          'body: JSON nested deeper than 64 levels',
        );
      }
  });

  it('chat content must be a string or OpenAI content parts: other shapes get 400, text and image parts pass', async () => {
    const send = (content: unknown) =>
      c.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: { model: 'llama-3.1-8b-instruct', messages: [{ role: 'user', content }], max_tokens: 2 },
      });
    const refused = [
      42,
      { text: 'not in a list' },
      [{ type: 'bogus', text: 'x' }],
      [{ type: 'text' }],
      [{ type: 'text', text: 'x' }, ['nested']],
      [[[[{ type: 'text', text: 'x' }]]]],
      [{ type: 'image_url', image_url: 'http://not-an-object' }],
    ];
    for (const content of refused) {
      const res = await send(content);
      expect([content, res.statusCode]).toEqual([content, 400]);
    }
    const accepted = [
      'plain text',
      [{ type: 'text', text: 'hello' }],
      [
        { type: 'text', text: 'what is this?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
      ],
    ];
    for (const content of accepted) expect((await send(content)).statusCode).toBe(200);
  });

  it('is still alive and serving after all of it', async () => {
    const health = await c.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    const ok = await c.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: {
        model: 'llama-3.1-8b-instruct',
        messages: [{ role: 'user', content: 'still there?' }],
        max_tokens: 2,
      },
    });
    expect(ok.statusCode).toBe(200);
  });
});
