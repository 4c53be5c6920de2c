import { afterEach, describe, expect, it } from 'vitest';
import { envelope } from '../src/agent/coordinator-client.js';
import { SEQ_PER_MS } from '../src/server/registry.js';
import { generateIdentity } from '../src/wire/identity.js';
import {
  ADMIN,
  beat,
  descriptor,
  heartbeat,
  register,
  startCoordinator,
  type TestCoordinator,
  TOKEN_A,
  TOKEN_B,
} from './server-kit.js';

const T0 = 1_750_000_000_000;
let c: TestCoordinator | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

function errorOf(res: { json(): unknown }): { code: string; message: string } {
  return (res.json() as { error: { code: string; message: string } }).error;
}

describe('registration', () => {
  it('registers a node with an operator token and marks its operator label as attested', async () => {
    let t = T0;
    c = await startCoordinator({}, { now: () => t });
    const n = await register(c, descriptor('n1'), 'http://127.0.0.1:9', { signedAt: T0 });
    expect(n.seq).toBe(T0 * SEQ_PER_MS);
    t += 5;
    const list = (await c.app.inject({ method: 'GET', url: '/v1/nodes' })).json() as {
      nodes: { id: string; health: string }[];
    };
    expect(list.nodes.map((x) => [x.id, x.health])).toEqual([['n1', 'unhealthy']]);
    expect(c.coordinator.registry.get('n1')?.descriptor.labels.operator).toEqual({
      value: 'op-a',
      provenance: 'attested',
    });
  });

  it('answers 401 without a token or with an unknown one', async () => {
    c = await startCoordinator();
    const key = generateIdentity();
    const payload = envelope(
      'register',
      {
        node: descriptor('n1'),
        endpoint: 'http://127.0.0.1:9',
        publicKey: key.publicKeyText,
        signedAt: Date.now(),
      },
      key,
    );
    const none = await c.app.inject({ method: 'POST', url: '/v1/nodes', payload });
    expect([none.statusCode, errorOf(none).code]).toEqual([401, 'unauthorized']);
    const wrong = await c.app.inject({
      method: 'POST',
      url: '/v1/nodes',
      payload,
      headers: { authorization: 'Bearer nope-nope-nope-nope' },
    });
    expect([wrong.statusCode, errorOf(wrong).message]).toEqual([401, 'unknown operator token']);
  });

  it("refuses a node that declares another operator than its token's (403)", async () => {
    c = await startCoordinator();
    await expect(register(c, descriptor('n1'), 'http://127.0.0.1:9', { token: TOKEN_B })).rejects.toThrow(
      /403.*token belongs to operator op-b but the node declares operator op-a/,
    );
  });

  it('rejects a registration not signed by the key it carries (401 bad_signature)', async () => {
    c = await startCoordinator();
    const key = generateIdentity();
    const other = generateIdentity();
    const payload = envelope(
      'register',
      {
        node: descriptor('n1'),
        endpoint: 'http://127.0.0.1:9',
        publicKey: key.publicKeyText,
        signedAt: Date.now(),
      },
      other,
    );
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/nodes',
      payload,
      headers: { authorization: `Bearer ${TOKEN_A}` },
    });
    expect([res.statusCode, errorOf(res).code]).toEqual([401, 'bad_signature']);
  });

  it('names the field of a bad descriptor (400 with path and value)', async () => {
    c = await startCoordinator();
    const key = generateIdentity();
    const node = { ...descriptor('n1'), location: { lat: 123, lon: 8.68, metro: 'frankfurt' } };
    const payload = envelope(
      'register',
      { node, endpoint: 'http://127.0.0.1:9', publicKey: key.publicKeyText, signedAt: Date.now() },
      key,
    );
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/nodes',
      payload,
      headers: { authorization: `Bearer ${TOKEN_A}` },
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toBe('body.payload.node: location.lat: expected ≤ 90 (got 123)');
  });

  it('refuses a descriptor at metro "atlantis", with a field "bogusField" or "location.floor" (400 naming each), and lists no node', async () => {
    c = await startCoordinator();
    const key = generateIdentity();
    const post = (node: object) =>
      c!.app.inject({
        method: 'POST',
        url: '/v1/nodes',
        headers: { authorization: `Bearer ${TOKEN_A}` },
        payload: envelope(
          'register',
          { node, endpoint: 'http://127.0.0.1:9', publicKey: key.publicKeyText, signedAt: Date.now() },
          key,
        ),
      });
    const base = descriptor('n1');
    const cases: [object, string][] = [
      [
        { ...base, location: { ...base.location, metro: 'atlantis' } },
        'body.payload.node: location.metro: unknown metro (got "atlantis")',
      ],
      [{ ...base, bogusField: 1 }, 'body.payload.node: unknown field "bogusField"'],
      [
        { ...base, location: { ...base.location, floor: 3 } },
        'body.payload.node: location: unknown field "floor"',
      ],
    ];
    for (const [node, message] of cases) {
      const res = await post(node);
      expect([res.statusCode, errorOf(res).code, errorOf(res).message]).toEqual([
        400,
        'invalid_input',
        message,
      ]);
    }
    const list = (await c.app.inject({ method: 'GET', url: '/v1/nodes' })).json() as { nodes: unknown[] };
    expect(list.nodes).toEqual([]);
    expect((await post(base)).statusCode).toBe(201);
    // Registering again (same key) is held to the same checks, and leaves the node in Frankfurt.
    const again = await post({ ...base, location: { ...base.location, metro: 'atlantis' } });
    expect(again.statusCode).toBe(400);
    expect(c.coordinator.registry.get('n1')?.descriptor.location.metro).toBe('frankfurt');
  });

  it('refuses an update moving the node to metro "atlantis" (400) without using up its sequence number', async () => {
    c = await startCoordinator();
    const n = await register(c, descriptor('n1'), 'http://127.0.0.1:9');
    const update = (metro: string) =>
      c!.app.inject({
        method: 'PUT',
        url: '/v1/nodes/n1',
        payload: envelope(
          'update',
          {
            nodeId: 'n1',
            seq: n.seq + 1,
            signedAt: Date.now(),
            node: { ...descriptor('n1'), location: { lat: 48.86, lon: 2.35, metro } },
          },
          n.key,
        ),
      });
    const bad = await update('atlantis');
    expect([bad.statusCode, errorOf(bad).message]).toEqual([
      400,
      'body.payload.node: location.metro: unknown metro (got "atlantis")',
    ]);
    expect(c.coordinator.registry.get('n1')?.descriptor.location.metro).toBe('frankfurt');
    expect((await update('paris')).statusCode).toBe(200);
    expect(c.coordinator.registry.get('n1')?.descriptor.location.metro).toBe('paris');
  });

  it('keeps the sequence floor when the same key re-registers and refuses another key for the same id', async () => {
    let t = T0;
    c = await startCoordinator({}, { now: () => t });
    const n = await register(c, descriptor('n1'), 'http://127.0.0.1:9', { signedAt: t });
    expect(await beat(c, n, { sentAt: t })).toBe(200);
    t += 1;
    const again = await register(c, descriptor('n1'), 'http://127.0.0.1:10', { key: n.key, signedAt: t });
    expect(again.seq).toBe(Math.max(n.seq, t * SEQ_PER_MS));
    await expect(register(c, descriptor('n1'), 'http://127.0.0.1:9', { signedAt: t })).rejects.toThrow(
      /409.*deregister it first/,
    );
  });
});

describe('heartbeats', () => {
  it('accepts a signed heartbeat once and rejects the same message replayed (409 replayed)', async () => {
    c = await startCoordinator();
    const n = await register(c, descriptor('n1'), 'http://127.0.0.1:9');
    const payload = envelope('heartbeat', heartbeat(n), n.key);
    const first = await c.app.inject({ method: 'POST', url: '/v1/heartbeats', payload });
    expect(first.statusCode).toBe(200);
    const replay = await c.app.inject({ method: 'POST', url: '/v1/heartbeats', payload });
    expect([replay.statusCode, errorOf(replay).code]).toEqual([409, 'replayed']);
  });

  it('refuses RTT samples to "atlantis" (400 naming rtt[1].to); takes tokyo, coordinator, backend and a registered node', async () => {
    c = await startCoordinator();
    const n = await register(c, descriptor('n1'), 'http://127.0.0.1:9');
    await register(c, descriptor('n2'), 'http://127.0.0.1:10');
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/heartbeats',
      payload: envelope(
        'heartbeat',
        heartbeat(n, {
          rtt: [
            { to: 'tokyo', ms: 230 },
            { to: 'atlantis', ms: 5 },
          ],
        }),
        n.key,
      ),
    });
    expect([res.statusCode, errorOf(res).message]).toEqual([
      400,
      'body.payload: rtt[1].to: unknown metro: expected a catalog metro, "coordinator", "backend" or a registered node\'s id (got "atlantis")',
    ]);
    expect(c.coordinator.network.telemetry.get('n1')).toBeUndefined();
    const rtt = ['tokyo', 'coordinator', 'backend', 'n2'].map((to) => ({ to, ms: 12 }));
    expect(await beat(c, n, { rtt })).toBe(200);
  });

  it('rejects an older sequence after a newer one', async () => {
    c = await startCoordinator();
    const n = await register(c, descriptor('n1'), 'http://127.0.0.1:9');
    const older = envelope('heartbeat', heartbeat(n), n.key);
    expect(await beat(c, n)).toBe(200);
    const res = await c.app.inject({ method: 'POST', url: '/v1/heartbeats', payload: older });
    expect(res.statusCode).toBe(409);
  });

  it('rejects a heartbeat signed by another key and a payload changed after signing (401)', async () => {
    c = await startCoordinator();
    const n = await register(c, descriptor('n1'), 'http://127.0.0.1:9');
    const forged = envelope('heartbeat', heartbeat(n), generateIdentity());
    const r1 = await c.app.inject({ method: 'POST', url: '/v1/heartbeats', payload: forged });
    expect([r1.statusCode, errorOf(r1).code]).toEqual([401, 'bad_signature']);
    const good = envelope('heartbeat', heartbeat(n, { inFlight: 1 }), n.key);
    const tampered = { ...good, payload: good.payload.replace('"inFlight":1', '"inFlight":0') };
    const r2 = await c.app.inject({ method: 'POST', url: '/v1/heartbeats', payload: tampered });
    expect([r2.statusCode, errorOf(r2).code]).toEqual([401, 'bad_signature']);
  });

  it('does not accept a signature made for another kind of message', async () => {
    c = await startCoordinator();
    const n = await register(c, descriptor('n1'), 'http://127.0.0.1:9');
    const hb = heartbeat(n);
    const asUpdate = envelope('update', hb, n.key);
    const res = await c.app.inject({ method: 'POST', url: '/v1/heartbeats', payload: asUpdate });
    expect(res.statusCode).toBe(401);
  });

  it('rejects a heartbeat for an unknown node (404) and one sent 10 minutes ago (409)', async () => {
    let t = T0;
    c = await startCoordinator({}, { now: () => t });
    const n = await register(c, descriptor('n1'), 'http://127.0.0.1:9', { signedAt: t });
    const ghost = { ...n, id: 'ghost' };
    const r1 = await c.app.inject({
      method: 'POST',
      url: '/v1/heartbeats',
      payload: envelope('heartbeat', heartbeat(ghost), n.key),
    });
    expect(r1.statusCode).toBe(404);
    t += 600_000;
    const old = envelope('heartbeat', heartbeat(n, {}, T0), n.key);
    const r2 = await c.app.inject({ method: 'POST', url: '/v1/heartbeats', payload: old });
    expect([r2.statusCode, errorOf(r2).message]).toEqual([
      409,
      "message timestamp is 600 s away from the coordinator's clock (at most 300 s)",
    ]);
  });

  it('ages telemetry: fresh, stale after 3 s, unhealthy after 10 s', async () => {
    let t = T0;
    c = await startCoordinator({}, { now: () => t });
    const n = await register(c, descriptor('n1'), 'http://127.0.0.1:9', { signedAt: t });
    expect(await beat(c, n, { sentAt: t })).toBe(200);
    const health = async () =>
      (
        (
          await c!.app.inject({
            method: 'GET',
            url: '/v1/nodes',
            headers: { authorization: `Bearer ${TOKEN_A}` },
          })
        ).json() as {
          nodes: { health: string; ageMs: number }[];
        }
      ).nodes[0];
    expect(await health()).toMatchObject({ health: 'fresh', ageMs: 0 });
    t += 3000;
    expect(await health()).toMatchObject({ health: 'stale', ageMs: 3000 });
    t += 7000;
    expect(await health()).toMatchObject({ health: 'unhealthy', ageMs: 10_000 });
  });
});

describe('deregistration and tokens', () => {
  it('deregisters with the owner token (204); another operator gets 403; heartbeats then get 404', async () => {
    c = await startCoordinator();
    const n = await register(c, descriptor('n1'), 'http://127.0.0.1:9');
    const other = await c.app.inject({
      method: 'DELETE',
      url: '/v1/nodes/n1',
      headers: { authorization: `Bearer ${TOKEN_B}` },
    });
    expect(other.statusCode).toBe(403);
    const own = await c.app.inject({
      method: 'DELETE',
      url: '/v1/nodes/n1',
      headers: { authorization: `Bearer ${TOKEN_A}` },
    });
    expect(own.statusCode).toBe(204);
    expect(await beat(c, n)).toBe(404);
  });

  it('deregisters with a signed message, and old heartbeats stay replays after re-registering', async () => {
    let t = T0;
    c = await startCoordinator({}, { now: () => t });
    const n = await register(c, descriptor('n1'), 'http://127.0.0.1:9', { signedAt: t });
    const captured = envelope('heartbeat', heartbeat(n, {}, t), n.key);
    n.seq++;
    const res = await c.app.inject({
      method: 'DELETE',
      url: '/v1/nodes/n1',
      payload: envelope('deregister', { nodeId: 'n1', seq: n.seq, signedAt: t }, n.key),
    });
    expect(res.statusCode).toBe(204);
    t += 1000;
    await register(c, descriptor('n1'), 'http://127.0.0.1:9', { key: n.key, signedAt: t });
    const replay = await c.app.inject({ method: 'POST', url: '/v1/heartbeats', payload: captured });
    expect(replay.statusCode).toBe(409);
  });

  it('issues operator tokens through the admin API, and only with the admin token', async () => {
    c = await startCoordinator();
    const bad = await c.app.inject({
      method: 'POST',
      url: '/v1/admin/tokens',
      payload: { operator: 'op-c' },
      headers: { authorization: `Bearer ${TOKEN_A}` },
    });
    expect(bad.statusCode).toBe(401);
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/admin/tokens',
      payload: { operator: 'op-c' },
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(res.statusCode).toBe(201);
    const { token } = res.json() as { token: string };
    const n = await register(c, descriptor('n3', { labels: { operator: 'op-c' } }), 'http://127.0.0.1:9', {
      token,
    });
    expect(c.coordinator.registry.get(n.id)?.record.operator).toBe('op-c');
  });

  it('updates a node with a signed message carrying the next sequence number', async () => {
    c = await startCoordinator();
    const n = await register(c, descriptor('n1'), 'http://127.0.0.1:9');
    n.seq++;
    const update = envelope(
      'update',
      { nodeId: 'n1', seq: n.seq, signedAt: Date.now(), endpoint: 'http://127.0.0.1:10' },
      n.key,
    );
    const res = await c.app.inject({ method: 'PUT', url: '/v1/nodes/n1', payload: update });
    expect(res.statusCode).toBe(200);
    expect(c.coordinator.registry.get('n1')?.record.endpoint).toBe('http://127.0.0.1:10');
    const again = await c.app.inject({ method: 'PUT', url: '/v1/nodes/n1', payload: update });
    expect(again.statusCode).toBe(409);
    const elsewhere = await c.app.inject({ method: 'PUT', url: '/v1/nodes/n2', payload: update });
    expect(elsewhere.statusCode).toBe(400);
  });
});
