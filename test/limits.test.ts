import { afterEach, describe, expect, it } from 'vitest';
import { envelope } from '../src/agent/coordinator-client.js';
import { parseConfig } from '../src/server/config.js';
import { generateIdentity } from '../src/wire/identity.js';
import {
  beat,
  descriptor,
  heartbeat,
  register,
  startCoordinator,
  type TestCoordinator,
  TOKEN_A,
  TOKEN_B,
} from './server-kit.js';

/** Issue 10, item 4: limits per IP, per operator token, per node key; node quota; topology rebuilds. */
let c: TestCoordinator | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

let port = 1000;

async function registerRaw(co: TestCoordinator, id: string, token: string, ip = '127.0.0.1') {
  const key = generateIdentity();
  const node = descriptor(id, { labels: { operator: token === TOKEN_B ? 'op-b' : 'op-a' } });
  return co.app.inject({
    method: 'POST',
    url: '/v1/nodes',
    remoteAddress: ip,
    headers: { authorization: `Bearer ${token}` },
    payload: envelope(
      'register',
      { node, endpoint: `http://127.0.0.1:${port++}`, publicKey: key.publicKeyText, signedAt: Date.now() },
      key,
    ),
  });
}

describe('limits', () => {
  it('refuses heartbeats sent 50 times faster than the 1 s interval with 429 and Retry-After after a burst of 8', async () => {
    c = await startCoordinator({
      telemetry: { heartbeatIntervalMs: 1000 },
      limits: { perNode: { perInterval: 4, burst: 8 } },
    });
    const node = await register(c, descriptor('n1'), 'http://127.0.0.1:9');
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let k = 0; k < 50; k++) {
      const res = await c.app.inject({
        method: 'POST',
        url: '/v1/heartbeats',
        payload: envelope('heartbeat', heartbeat(node), node.key),
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) retryAfter ??= res.headers['retry-after'] as string;
    }
    const ok = statuses.filter((s) => s === 200).length;
    expect(ok).toBeGreaterThanOrEqual(8);
    expect(ok).toBeLessThanOrEqual(10); // 8 + what 4 per second refills while the loop runs
    expect(statuses.filter((s) => s === 429).length).toBe(50 - ok);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('accepts a node that heartbeats at its 1 s interval for 30 beats without a single 429', async () => {
    let t = Date.now();
    c = await startCoordinator(
      { telemetry: { heartbeatIntervalMs: 1000 }, limits: { perNode: { perInterval: 4, burst: 8 } } },
      { now: () => t },
    );
    const node = await register(c, descriptor('n1'), 'http://127.0.0.1:9', { signedAt: t });
    for (let k = 0; k < 30; k++) {
      t += 1000;
      expect(await beat(c, node, { sentAt: t })).toBe(200);
    }
  });

  it('refuses the 4th node of an operator whose quota is 3 with 403 quota_exceeded naming the quota; other operators unaffected', async () => {
    c = await startCoordinator({ limits: { nodesPerOperator: 3 } });
    for (const id of ['a1', 'a2', 'a3']) expect((await registerRaw(c, id, TOKEN_A)).statusCode).toBe(201);
    const res = await registerRaw(c, 'a4', TOKEN_A);
    expect(res.statusCode).toBe(403);
    const body = res.json() as { error: { code: string; message: string } };
    expect(body.error.code).toBe('quota_exceeded');
    expect(body.error.message).toContain('limits.nodesPerOperator');
    expect(body.error.message).toContain('3');
    expect((await registerRaw(c, 'b1', TOKEN_B)).statusCode).toBe(201);
  });

  it('holds 1,000 nodes per operator by default', () => {
    expect(parseConfig({}).limits.nodesPerOperator).toBe(1000);
  });

  it('answers 429 to the 11th bad token from one IP (burst 10) while another IP still registers', async () => {
    c = await startCoordinator({ limits: { failedLogins: { perSecond: 0.2, burst: 10 } } });
    const bad = 'not-a-token-0123456789abcdef';
    for (let k = 0; k < 10; k++)
      expect((await registerRaw(c, `x${k}`, bad, '10.9.9.9')).statusCode).toBe(401);
    const refused = await registerRaw(c, 'x10', bad, '10.9.9.9');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await registerRaw(c, 'ok1', TOKEN_A, '10.9.9.10')).statusCode).toBe(201);
  });

  it('refuses the 6th registry request from one IP within a second at 1 per second, burst 5', async () => {
    c = await startCoordinator({ limits: { perIp: { perSecond: 1, burst: 5 } } });
    const get = (ip: string) => c!.app.inject({ method: 'GET', url: '/v1/nodes', remoteAddress: ip });
    for (let k = 0; k < 5; k++) expect((await get('10.1.1.1')).statusCode).toBe(200);
    expect((await get('10.1.1.1')).statusCode).toBe(429);
    expect((await get('10.1.1.2')).statusCode).toBe(200);
  });

  it('with gatewayPerIp at burst 3 (no refill), refuses the 4th route request from one IP with 429; another IP and GET /v1/models are not limited', async () => {
    c = await startCoordinator({ limits: { gatewayPerIp: { perSecond: 0, burst: 3 } } });
    const ask = (ip: string) =>
      c!.app.inject({
        method: 'POST',
        url: '/v1/route',
        remoteAddress: ip,
        payload: { model: 'llama-3.1-8b-instruct', client: { lat: 50.1, lon: 8.7 } },
      });
    for (let k = 0; k < 3; k++) expect((await ask('10.2.2.1')).statusCode).not.toBe(429);
    const refused = await ask('10.2.2.1');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toBe('too many requests from 10.2.2.1');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await ask('10.2.2.2')).statusCode).not.toBe(429);
    for (let k = 0; k < 5; k++) {
      const models = await c.app.inject({ method: 'GET', url: '/v1/models', remoteAddress: '10.2.2.1' });
      expect(models.statusCode).toBe(200);
    }
  });

  it('counts 401s on the gateway (a wrong client key, twice at burst 2) against the IP: its next registration gets 429', async () => {
    c = await startCoordinator({
      gateway: { requireClientKey: true },
      limits: { failedLogins: { perSecond: 0, burst: 2 } },
    });
    for (let k = 0; k < 2; k++) {
      const res = await c.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        remoteAddress: '10.3.3.3',
        headers: { authorization: 'Bearer not-a-key' },
        payload: { model: 'llama-3.1-8b-instruct', messages: [{ role: 'user', content: 'hi' }] },
      });
      expect(res.statusCode).toBe(401);
    }
    expect((await registerRaw(c, 'after-401s', TOKEN_A, '10.3.3.3')).statusCode).toBe(429);
    expect((await registerRaw(c, 'other-ip', TOKEN_A, '10.3.3.4')).statusCode).toBe(201);
  });

  it('refuses the 4th registration with one operator token at burst 3 (and no refill)', async () => {
    c = await startCoordinator({ limits: { perToken: { perSecond: 0, burst: 3 } } });
    for (const id of ['t1', 't2', 't3']) expect((await registerRaw(c, id, TOKEN_A)).statusCode).toBe(201);
    const res = await registerRaw(c, 't4', TOKEN_A);
    expect(res.statusCode).toBe(429);
    expect((await registerRaw(c, 'u1', TOKEN_B)).statusCode).toBe(201);
  });

  it('rebuilds the topology at most once a second for a proxy node changing its model list on each of 20 heartbeats 100 ms apart', async () => {
    let t = Date.now();
    c = await startCoordinator({ limits: { topologyRebuildMs: 1000 } }, { now: () => t });
    const node = await register(
      c,
      descriptor('api1', { hardware: { accelerator: 'api', count: 1, memoryGb: 0 } }),
      'http://127.0.0.1:9',
      { signedAt: t },
    );
    const lists = ['llama-3.1-8b-instruct', 'qwen2.5-7b-instruct', 'phi-4'];
    const net = c.coordinator.network;
    const before = net.rebuilds;
    for (let k = 0; k < 20; k++) {
      t += 100;
      const models = [{ id: lists[k % 3]!, state: 'warm' as const }];
      expect(await beat(c, node, { sentAt: t, models })).toBe(200);
      net.currentView();
    }
    // 2 s of changes: the first report, then at most one rebuild per second.
    expect(net.rebuilds - before).toBeLessThanOrEqual(3);
    t += 1000;
    net.currentView();
    const last = lists[19 % 3]!;
    const i = net.topology.ids.indexOf('api1');
    expect(net.topology.nodes[i]!.models.map((m) => m.model)).toEqual([last]);
  });
});
