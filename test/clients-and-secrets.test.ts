import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SECRET_FILE, sha256Hex } from '../src/server/secrets.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import {
  ADMIN,
  beat,
  descriptor,
  register,
  startCoordinator,
  type TestCoordinator,
  TOKEN_A,
  TOKEN_B,
  tempDir,
} from './server-kit.js';

/** Issue 10, item 5: client keys, keyed token digests, revocable and expiring tokens, scoped reads. */

const MODEL = 'llama-3.1-8b-instruct';
const KEY_1 = 'client-one-key-0123456789';
const KEY_2 = 'client-two-key-0123456789';
const TOKEN_A2 = 'operator-a-rotated-0123456789';
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const tmp = tempDir('meridian-keys-');

let c: TestCoordinator | undefined;
afterAll(() => tmp.remove());
afterEach(async () => {
  await c?.close();
  c = undefined;
});

/** A coordinator with node n1 (op-a) and n2 (op-b), both warm; `t` is its clock. */
async function twoOperators(over: Parameters<typeof startCoordinator>[0] = {}, now?: () => number) {
  c = await startCoordinator(
    {
      clients: [
        { id: 'app-1', key: KEY_1 },
        { id: 'app-2', key: KEY_2 },
      ],
      ...over,
    },
    now === undefined ? {} : { now },
  );
  const n1 = await register(c, descriptor('n1'), 'http://127.0.0.1:9');
  const n2 = await register(c, descriptor('n2', { labels: { operator: 'op-b' } }), 'http://127.0.0.1:10', {
    token: TOKEN_B,
  });
  expect(await beat(c, n1, { rtt: [{ to: 'coordinator', ms: 12 }] })).toBe(200);
  expect(await beat(c, n2)).toBe(200);
  return c;
}

function route(headers: Record<string, string> = {}) {
  return c!.app.inject({
    method: 'POST',
    url: '/v1/route',
    headers,
    payload: { model: MODEL, client: { lat: 48.8566, lon: 2.3522 }, inputTokens: 10, outputTokens: 10 },
  });
}

let port = 20;

/** Registers node `id` (op-a) with `token` on an endpoint of its own: the status and error message. */
async function attempt(token: string, id: string): Promise<{ status: number; message: string }> {
  try {
    await register(c!, descriptor(id), `http://127.0.0.1:${port++}`, { token });
    return { status: 201, message: '' };
  } catch (e) {
    const m = /register failed: (\d+) (.*)$/s.exec(String((e as Error).message));
    return { status: Number(m?.[1]), message: m?.[2] ?? '' };
  }
}

async function registerWith(token: string, id: string): Promise<number> {
  return (await attempt(token, id)).status;
}

describe('secrets at rest', () => {
  it('stores tokens as an HMAC under the server secret, not their SHA-256: two coordinators store different digests of one token', async () => {
    const a = new MemoryStore();
    const b = new MemoryStore();
    c = await startCoordinator({}, { store: a });
    await c.close();
    c = await startCoordinator({}, { store: b });
    const digestsA = (await a.listTokens()).map((t) => t.hash);
    const digestsB = (await b.listTokens()).map((t) => t.hash);
    expect(digestsA).toHaveLength(2);
    expect(digestsA).not.toContain(sha256Hex(TOKEN_A));
    expect(digestsA.filter((h) => digestsB.includes(h))).toEqual([]);
  });

  it('rewrites a SHA-256 token row stored by an older coordinator at start: the token still registers, the SHA-256 row is gone', async () => {
    const store = new MemoryStore();
    const old = 'operator-z-token-0123456789';
    await store.putToken({ hash: sha256Hex(old), operator: 'op-z', createdAt: 1, note: 'admin' });
    c = await startCoordinator({}, { store });
    expect(await store.getToken(sha256Hex(old))).toBeUndefined();
    const z = descriptor('z1', { labels: { operator: 'op-z' } });
    await expect(register(c, z, 'http://127.0.0.1:12', { token: old })).resolves.toMatchObject({ id: 'z1' });
  });

  it('creates the server secret once in the data directory, owner-only (mode 600), and keeps it across a restart', async () => {
    const dir = join(tmp.dir, 'secret-data');
    const store = new SqliteStore(dir);
    c = await startCoordinator({ dataDir: dir }, { store });
    const digest = (await store.listTokens()).map((t) => t.hash);
    await c.close();
    const file = join(dir, SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    c = await startCoordinator({ dataDir: dir }, { store });
    expect((await store.listTokens()).map((t) => t.hash)).toEqual(digest);
    await c.close();
    c = undefined;
    await store.close();
  });
});

describe('operator tokens: revocable and expiring', () => {
  it('a rotated token (op-a: A → A2 in the config) is refused 401 after restart, on the same store; A2 registers', async () => {
    const store = new SqliteStore(join(tmp.dir, 'rotate'));
    c = await startCoordinator({}, { store });
    expect(await registerWith(TOKEN_A, 'r1')).toBe(201);
    await c.close();
    c = await startCoordinator({ operators: [{ id: 'op-a', token: TOKEN_A2 }] }, { store });
    expect(await registerWith(TOKEN_A, 'r2')).toBe(401);
    expect(await registerWith(TOKEN_A2, 'r3')).toBe(201);
    await c.close();
    c = undefined;
    await store.close();
  });

  it('a token removed from the config (op-b) is refused 401 after restart', async () => {
    const store = new MemoryStore();
    c = await startCoordinator({}, { store });
    await c.close();
    c = await startCoordinator({ operators: [{ id: 'op-a', token: TOKEN_A }] }, { store });
    expect(await registerWith(TOKEN_B, 'b9')).toBe(401);
    expect(await registerWith(TOKEN_A, 'a9')).toBe(201);
  });

  it('a token past its expiresAt (config, ISO date) is refused 401 "expired"; one expiring in an hour registers', async () => {
    c = await startCoordinator({
      operators: [
        { id: 'op-a', token: TOKEN_A, expiresAt: '2020-01-01T00:00:00Z' },
        { id: 'op-b', token: TOKEN_B, expiresAt: Date.now() + 3_600_000 },
      ],
    });
    const refused = await attempt(TOKEN_A, 'x1');
    expect(refused.status).toBe(401);
    expect(refused.message).toContain('expired at 2020-01-01');
    const b = descriptor('b1', { labels: { operator: 'op-b' } });
    await expect(register(c, b, 'http://127.0.0.1:13', { token: TOKEN_B })).resolves.toMatchObject({
      id: 'b1',
    });
  });

  it('the admin is refused a token expiring 2000-01-01 and a client key expiring now (400 naming expiresAt and the value); nothing is stored', async () => {
    const t = Date.UTC(2026, 0, 5, 10);
    c = await startCoordinator({}, { now: () => t });
    const before = (await c.store.listTokens()).length;
    const post = (url: string, payload: object) =>
      c!.app.inject({ method: 'POST', url, headers: auth(ADMIN), payload });
    const token = await post('/v1/admin/tokens', { operator: 'ops-1', expiresAt: '2000-01-01T00:00:00Z' });
    expect([token.statusCode, token.json()]).toEqual([
      400,
      {
        error: {
          code: 'invalid_input',
          message:
            'body: expiresAt: must be in the future (the coordinator\'s clock reads 2026-01-05T10:00:00.000Z) (got "2000-01-01T00:00:00Z")',
          issues: [
            {
              path: 'expiresAt',
              message: "must be in the future (the coordinator's clock reads 2026-01-05T10:00:00.000Z)",
              value: '2000-01-01T00:00:00Z',
            },
          ],
        },
      },
    ]);
    const key = await post('/v1/admin/clients', { client: 'app-1', expiresAt: t });
    expect([key.statusCode, key.json().error.message]).toEqual([
      400,
      `body: expiresAt: must be in the future (the coordinator's clock reads 2026-01-05T10:00:00.000Z) (got ${t})`,
    ]);
    expect((await c.store.listTokens()).length).toBe(before);
    expect((await post('/v1/admin/clients', { client: 'app-1', expiresAt: t + 1 })).statusCode).toBe(201);
  });

  it('the admin issues a token expiring in 60 s: it registers at +59 s and is refused at +60 s; the admin revokes another: 204, then 401', async () => {
    let t = Date.now();
    c = await startCoordinator({}, { now: () => t });
    const issue = async (body: object) =>
      (
        await c!.app.inject({ method: 'POST', url: '/v1/admin/tokens', headers: auth(ADMIN), payload: body })
      ).json() as {
        token: string;
        id: string;
      };
    const short = await issue({ operator: 'op-a', expiresAt: t + 60_000 });
    t += 59_000;
    expect(await registerWith(short.token, 'e1')).toBe(201);
    t += 1_000;
    expect(await registerWith(short.token, 'e2')).toBe(401);

    const other = await issue({ operator: 'op-a' });
    expect(await registerWith(other.token, 'e3')).toBe(201);
    const del = await c.app.inject({
      method: 'DELETE',
      url: `/v1/admin/tokens/${other.id}`,
      headers: auth(ADMIN),
    });
    expect(del.statusCode).toBe(204);
    expect(await registerWith(other.token, 'e4')).toBe(401);
    const again = await c.app.inject({
      method: 'DELETE',
      url: `/v1/admin/tokens/${other.id}`,
      headers: auth(ADMIN),
    });
    expect(again.statusCode).toBe(404);
    const list = await c.app.inject({ method: 'GET', url: '/v1/admin/tokens', headers: auth(TOKEN_A) });
    expect(list.statusCode).toBe(401);
  });
});

describe('scoped reads', () => {
  it('/v1/nodes: anonymous and client keys see 0 endpoints and no RTT samples; op-b sees its own endpoint only; the admin sees both', async () => {
    await twoOperators();
    type Row = { id: string; endpoint?: string; telemetry: { rtt?: unknown; inFlight: number } | null };
    const rows = async (headers: Record<string, string>) =>
      ((await c!.app.inject({ method: 'GET', url: '/v1/nodes', headers })).json() as { nodes: Row[] }).nodes;
    for (const who of [{}, auth(KEY_1), auth('not-a-known-key-0123456')]) {
      const list = await rows(who);
      expect(list.map((n) => n.endpoint)).toEqual([undefined, undefined]);
      expect(list.map((n) => n.telemetry?.rtt)).toEqual([undefined, undefined]);
      expect(list.map((n) => n.telemetry?.inFlight)).toEqual([0, 0]);
    }
    expect((await rows(auth(TOKEN_B))).map((n) => [n.id, n.endpoint])).toEqual([
      ['n1', undefined],
      ['n2', 'http://127.0.0.1:10'],
    ]);
    const admin = await rows(auth(ADMIN));
    expect(admin.map((n) => n.endpoint)).toEqual(['http://127.0.0.1:9', 'http://127.0.0.1:10']);
    expect(admin[0]!.telemetry?.rtt).toEqual([{ to: 'coordinator', ms: 12 }]);
  });

  it('/metrics: 401 without the admin token (an operator token is not enough), 200 with it, 200 to anyone with gateway.publicMetrics', async () => {
    await twoOperators();
    expect((await c!.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await c!.app.inject({ method: 'GET', url: '/metrics', headers: auth(TOKEN_A) })).statusCode).toBe(
      401,
    );
    expect((await c!.app.inject({ method: 'GET', url: '/metrics', headers: auth(ADMIN) })).statusCode).toBe(
      200,
    );
    await c!.close();
    c = await startCoordinator({ gateway: { publicMetrics: true } });
    expect((await c.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  });

  it("receipts: a client key's receipt is 404 to anonymous and to another key, whole to its key and the admin; an anonymous receipt loses the client's lat/lon except for the admin", async () => {
    await twoOperators();
    const mine = (await route(auth(KEY_1))).json().receiptId as string;
    const read = async (id: string, headers: Record<string, string> = {}) =>
      c!.app.inject({ method: 'GET', url: `/v1/receipts/${id}`, headers });
    expect((await read(mine)).statusCode).toBe(404);
    expect((await read(mine, auth(KEY_2))).statusCode).toBe(404);
    expect((await read(mine, auth(TOKEN_A))).statusCode).toBe(404);
    expect((await read(mine, auth(KEY_1))).json()).toMatchObject({
      owner: 'app-1',
      request: { client: { lat: 48.8566 } },
    });
    expect((await read(mine, auth(ADMIN))).statusCode).toBe(200);

    const anon = (await route()).json().receiptId as string;
    const open = (await read(anon)).json();
    expect(JSON.stringify(open)).not.toContain('48.8566');
    expect(open.request.client).toEqual({});
    expect(JSON.stringify((await read(anon, auth(ADMIN))).json())).toContain('48.8566');
  });
});

describe('client keys', () => {
  it('by default (gateway.requireClientKey false) requests without a key or with a placeholder key are served: 200, 200', async () => {
    await twoOperators();
    expect((await route()).statusCode).toBe(200);
    expect((await route(auth('sk-placeholder'))).statusCode).toBe(200);
  });

  it('with gateway.requireClientKey: no key 401, an unknown key 401, an operator token 401, a client key 200, an expired key 401', async () => {
    await twoOperators({
      gateway: { requireClientKey: true },
      clients: [
        { id: 'app-1', key: KEY_1 },
        { id: 'old', key: KEY_2, expiresAt: '2020-01-01T00:00:00Z' },
      ],
    });
    expect((await route()).statusCode).toBe(401);
    expect((await route(auth('sk-unknown-0123456789'))).statusCode).toBe(401);
    expect((await route(auth(TOKEN_A))).statusCode).toBe(401);
    expect((await route(auth(KEY_1))).statusCode).toBe(200);
    const expired = await route(auth(KEY_2));
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.message).toContain('expired');
    const chat = await c!.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: { model: MODEL, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(chat.statusCode).toBe(401);
  });

  it('a key with rate 2/s and burst 3 gets 3 requests at once, the 4th is 429 rate_limited with Retry-After 1, and one more after 0.5 s', async () => {
    let t = Date.now();
    await twoOperators({ clients: [{ id: 'app-1', key: KEY_1, rate: { perSecond: 2, burst: 3 } }] }, () => t);
    for (let k = 0; k < 3; k++) expect((await route(auth(KEY_1))).statusCode).toBe(200);
    const limited = await route(auth(KEY_1));
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBe('1');
    expect((await route(auth(KEY_2))).statusCode).toBe(200);
    t += 500;
    expect((await route(auth(KEY_1))).statusCode).toBe(200);
    expect((await route(auth(KEY_1))).statusCode).toBe(429);
  });

  it('a key with a quota of 5 requests per minute gets 5, the 6th is 429 quota_exceeded, and more in the next minute', async () => {
    let t = Math.floor(Date.now() / 60_000) * 60_000;
    await twoOperators(
      {
        clients: [{ id: 'app-1', key: KEY_1, quota: { requests: 5, windowMs: 60_000 } }],
        telemetry: { staleAfterMs: 100_000, unhealthyAfterMs: 200_000 },
      },
      () => t,
    );
    const codes: number[] = [];
    for (let k = 0; k < 6; k++) {
      codes.push((await route(auth(KEY_1))).statusCode);
      t += 1000;
    }
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await route(auth(KEY_1))).json().error.code).toBe('quota_exceeded');
    t += 60_000;
    expect((await route(auth(KEY_1))).statusCode).toBe(200);
  });

  it('the admin issues a client key (POST /v1/admin/clients) that the gateway accepts when keys are required', async () => {
    await twoOperators({ gateway: { requireClientKey: true } });
    const res = await c!.app.inject({
      method: 'POST',
      url: '/v1/admin/clients',
      headers: auth(ADMIN),
      payload: { client: 'app-9' },
    });
    expect(res.statusCode).toBe(201);
    const { key } = res.json() as { key: string };
    expect((await route(auth(key))).statusCode).toBe(200);
    expect(
      (await c!.app.inject({ method: 'POST', url: '/v1/admin/clients', payload: { client: 'x' } }))
        .statusCode,
    ).toBe(401);
  });
});
