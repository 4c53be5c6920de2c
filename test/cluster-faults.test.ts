import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoordinatorClient } from '../src/agent/coordinator-client.js';
import { type Child, Children } from '../src/fleet/children.js';
import { generateIdentity } from '../src/wire/identity.js';
import {
  ADMIN,
  builtMain,
  descriptor,
  LOOPBACK,
  startWorker,
  type TestWorker,
  TOKEN_A,
  tempDir,
  waitFor,
  writeYaml,
} from './server-kit.js';
import { natsServerInstalled, OwnNatsServer } from './support/nats.js';

/**
 * Issue 14's faults with real processes: coordinators (`meridian serve --nats`) on a NATS server of
 * this test's own (so it can be killed and restarted), emulated workers as nodes that heartbeat to the
 * first coordinator that answers. Skipped, with the reason, where no `nats-server` is installed.
 */
const installed = await natsServerInstalled();
if (!installed)
  console.warn('skipping the cluster fault tests: no nats-server on PATH (apt install nats-server)');

const MODEL = 'llama-3.1-8b-instruct';
const SECRET = 'cluster-fault-secret-0123456789abcdef';
const tmp = tempDir('cluster-faults');
const children = new Children();
const closers: (() => Promise<void>)[] = [];
let nats: OwnNatsServer;
let prefixes = 0;

beforeAll(async () => {
  if (installed) nats = await OwnNatsServer.start(join(tmp.dir, 'nats'));
});
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  await children.stopAll();
  await nats?.kill();
  tmp.remove();
});

/** `n` coordinators sharing one prefix (a fresh cluster per test). */
async function coordinators(n: number, over: Record<string, unknown> = {}): Promise<Child[]> {
  const prefix = `faults${prefixes++}`;
  const config = writeYaml(join(tmp.dir, `${prefix}.yaml`), {
    listen: { host: '127.0.0.1', port: 0 },
    secret: SECRET,
    adminToken: ADMIN,
    registry: { allowEndpoints: LOOPBACK },
    operators: [{ id: 'op-a', token: TOKEN_A }],
    gateway: { probes: { intervalMs: 0 } },
    telemetry: { heartbeatIntervalMs: 200 },
    ...over,
  });
  const args = ['serve', '--config', config, '--nats', nats.url, '--nats-prefix', prefix];
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      children.spawn(`${prefix}-${i}`, args, { main: builtMain(), readyTimeoutMs: 90_000 }),
    ),
  );
}

/** A worker registered through `via`, heartbeating every 200 ms to the first of `cs` still alive. */
async function node(id: string, via: Child, cs: Child[]): Promise<TestWorker> {
  const key = generateIdentity();
  const worker = await startWorker({}, { key });
  const clients = cs.map((c) => new CoordinatorClient(c.url, key, 1000));
  const reg = await new CoordinatorClient(via.url, key).register(
    TOKEN_A,
    descriptor(id),
    worker.url,
    Date.now(),
  );
  let seq = reg.lastSeq;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const hb = {
        nodeId: id,
        seq: ++seq,
        sentAt: Date.now(),
        models: [{ id: MODEL, state: 'warm' as const }],
      };
      for (const [i, c] of clients.entries()) {
        if (cs[i]!.proc.exitCode !== null || cs[i]!.proc.signalCode !== null) continue;
        if (
          await c.heartbeat({ ...hb, slots: 8, inFlight: 0, queue: 0 }).then(
            () => true,
            () => false,
          )
        )
          break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  closers.push(async () => {
    stopped = true;
    await loop;
    for (const c of clients) await c.close();
    await worker.close();
  });
  return worker;
}

const json = async (
  c: Child,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  key?: string,
) => {
  const res = await request(`${c.url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text === '' ? undefined : JSON.parse(text) };
};
const routeReq = { model: MODEL, client: { lat: 50.1, lon: 8.7 }, inputTokens: 10, outputTokens: 10 };
const chat = { model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 };
/** Waits until `check` holds (up to 60 s on a busy machine: a bound on a hang, not a speed requirement). */
const until = (what: string, check: () => Promise<boolean>) =>
  waitFor(what, async () => ((await check()) ? true : undefined), 60_000);

describe.skipIf(!installed)('coordinators on NATS, as processes', { timeout: 240_000 }, () => {
  it('routes through B and C to a node registered through A; a second node over the quota of 1 is refused on B', async () => {
    const cs = await coordinators(3, { limits: { nodesPerOperator: 1 } });
    const [a, b, c] = cs;
    await node('n1', a!, cs);
    for (const x of [b!, c!])
      await until(
        `${x.name} to route to n1`,
        async () => (await json(x, 'POST', '/v1/route', routeReq)).body?.primary === 'n1',
      );
    const served = await json(b!, 'POST', '/v1/chat/completions', chat);
    expect(served.status).toBe(200);
    const key = generateIdentity();
    const refused = await new CoordinatorClient(b!.url, key)
      .register(TOKEN_A, descriptor('n2'), 'http://127.0.0.1:9', Date.now())
      .then(
        () => 201,
        (e: { status?: number }) => e.status,
      );
    expect(refused).toBe(403);
  });

  it('accepts on B and C a client key issued on A, and refuses it on A once revoked on B', async () => {
    const cs = await coordinators(3, { gateway: { probes: { intervalMs: 0 }, requireClientKey: true } });
    const [a, b, c] = cs;
    await node('n1', a!, cs);
    const issued = await json(a!, 'POST', '/v1/admin/clients', { client: 'app1' }, ADMIN);
    expect(issued.status).toBe(201);
    for (const x of [b!, c!])
      await until(
        `${x.name} to accept the key`,
        async () => (await json(x, 'POST', '/v1/route', routeReq, issued.body.key)).status === 200,
      );
    expect((await json(b!, 'DELETE', `/v1/admin/tokens/${issued.body.id}`, undefined, ADMIN)).status).toBe(
      204,
    );
    // Each coordinator sees the revocation when its own KV watch delivers it: A and C each in their time.
    for (const x of [a!, c!])
      await until(
        `${x.name} to refuse the key`,
        async () => (await json(x, 'POST', '/v1/route', routeReq, issued.body.key)).status === 401,
      );
  });

  it('loses no request of a client that retries once on another coordinator while one is killed (kill -9)', async () => {
    const cs = await coordinators(3);
    await node('n1', cs[0]!, cs);
    await node('n2', cs[1]!, cs);
    for (const x of cs)
      await until(
        `${x.name} to route`,
        async () => (await json(x, 'POST', '/v1/route', routeReq)).status === 200,
      );
    let failed = 0;
    let served = 0;
    const send = async (x: Child) => {
      const r = await json(x, 'POST', '/v1/chat/completions', chat).catch(() => ({ status: 0 }));
      return r.status === 200;
    };
    for (let i = 0; i < 300; i++) {
      if (i === 100) cs[0]!.proc.kill('SIGKILL');
      const first = cs[i % 3]!;
      const second = cs[(i + 1) % 3]!;
      if ((await send(first)) || (await send(second))) served++;
      else failed++;
    }
    expect({ failed, served }).toEqual({ failed: 0, served: 300 });
  });

  it('keeps routing from its last view while NATS is down (healthz degraded), then reconnects and learns new nodes', async () => {
    const cs = await coordinators(2);
    const [a, b] = cs;
    await node('n1', a!, cs);
    await until('B to route', async () => (await json(b!, 'POST', '/v1/route', routeReq)).status === 200);
    await nats.kill();
    await until('A to say degraded', async () => (await json(a!, 'GET', '/healthz')).body?.degraded === true);
    const health = await json(a!, 'GET', '/healthz');
    expect([health.status, health.body.ok, health.body.cluster.connected]).toEqual([200, true, false]);
    for (let i = 0; i < 20; i++)
      expect((await json(i % 2 ? a! : b!, 'POST', '/v1/chat/completions', chat)).status).toBe(200);
    await nats.restart();
    for (const x of cs)
      await until(
        `${x.name} to reconnect`,
        async () => (await json(x, 'GET', '/healthz')).body?.degraded === false,
      );
    await node('n3', b!, cs);
    await until('A to learn n3', async () => {
      const nodes = (await json(a!, 'GET', '/v1/nodes', undefined, ADMIN)).body?.nodes ?? [];
      return nodes.some((n: { id: string; health: string }) => n.id === 'n3' && n.health === 'fresh');
    });
  });
});
