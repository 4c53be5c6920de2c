import { afterEach, describe, expect, it } from 'vitest';
import { MemoryHub } from '../src/bus/memory-bus.js';
import { joinCluster } from '../src/server/cluster.js';
import { parseConfig } from '../src/server/config.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { beat, descriptor, register, startCoordinator, type TestCoordinator, waitFor } from './server-kit.js';

/**
 * Three coordinators in one process sharing one store and one in-memory bus: what one accepts, every one
 * routes on. (The same over real NATS and real processes: test/cluster-faults.test.ts.)
 */

const SECRET = 'cluster-test-secret-0123456789abcdef';
const CLUSTER = parseConfig({ cluster: { nats: ['nats://127.0.0.1:4222'], prefix: 'viewtest' } }).cluster!;
const MODEL = 'llama-3.1-8b-instruct';
const CLIENT_KEY = 'client-key-0123456789abcdef';

let open: TestCoordinator[] = [];
afterEach(async () => {
  for (const c of open) {
    c.coordinator.cluster?.close();
    await c.close();
  }
  open = [];
});

async function cluster(n = 3) {
  const hub = new MemoryHub();
  const store = new MemoryStore();
  const buses = [];
  for (let i = 0; i < n; i++) {
    const c = await startCoordinator(
      {
        secret: SECRET,
        clients: [{ id: 'c1', key: CLIENT_KEY, rate: { perSecond: 0.001, burst: 4 } }],
      },
      { store },
    );
    const bus = hub.connect();
    joinCluster(c.coordinator, bus, CLUSTER);
    open.push(c);
    buses.push(bus);
  }
  /** Every coordinator publishes what waits, and every message is delivered. */
  const settle = async () => {
    for (const c of open) c.coordinator.cluster!.sync();
    await hub.settled();
  };
  return { cs: open, buses, settle };
}

const route = (c: TestCoordinator, key?: string) =>
  c.app.inject({
    method: 'POST',
    url: '/v1/route',
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
    payload: { model: MODEL, client: { lat: 50.1, lon: 8.7 }, inputTokens: 100, outputTokens: 10 },
  });

describe('coordinators sharing a view over a message bus', () => {
  it('routes through B and C to a node registered and heartbeating through A only', async () => {
    const { cs, settle } = await cluster();
    const [a, b, c] = cs;
    const node = await register(a!, descriptor('n1'), 'http://127.0.0.1:9');
    expect(await beat(a!, node)).toBe(200);
    await settle();
    for (const x of [b!, c!]) {
      const res = await route(x);
      expect(res.statusCode).toBe(200);
      expect(res.json().primary).toBe('n1');
    }
  });

  it("applies a heartbeat accepted by B to A's and C's telemetry (inFlight 5, queue 2)", async () => {
    const { cs, settle } = await cluster();
    const [a, b, c] = cs;
    const node = await register(a!, descriptor('n1'), 'http://127.0.0.1:9');
    await settle();
    expect(await beat(b!, node, { inFlight: 5, queue: 2 })).toBe(200);
    await settle();
    for (const x of [a!, c!]) {
      const hb = x.coordinator.network.telemetry.get('n1')?.heartbeat;
      expect([hb?.inFlight, hb?.queue, hb?.seq]).toEqual([5, 2, node.seq]);
    }
    expect(c!.coordinator.cluster!.status().viewLagMs.samples).toBe(1);
  });

  it('removes from A and B a node deregistered through C', async () => {
    const { cs, settle } = await cluster();
    const [a, b, c] = cs;
    await register(a!, descriptor('n1'), 'http://127.0.0.1:9');
    await settle();
    const res = await c!.app.inject({
      method: 'DELETE',
      url: '/v1/nodes/n1',
      headers: { authorization: 'Bearer operator-a-token-0123456789' },
    });
    expect(res.statusCode).toBe(204);
    await settle();
    expect([a!, b!].map((x) => x.coordinator.registry.get('n1'))).toEqual([undefined, undefined]);
  });

  it("counts A's 3 outstanding requests at a node in B's load (no herding onto it)", async () => {
    const { cs, settle } = await cluster(2);
    const [a, b] = cs;
    const node = await register(a!, descriptor('n1'), 'http://127.0.0.1:9');
    await beat(a!, node);
    await settle();
    for (let i = 0; i < 3; i++) a!.coordinator.network.begin('n1');
    await settle();
    const loadAtB = () => {
      const v = b!.coordinator.network.currentView();
      const i = v.topology.ids.indexOf('n1');
      return v.dyn.running[i]! + v.dyn.queued[i]!;
    };
    expect(await waitFor('B to count 3', async () => (loadAtB() === 3 ? 3 : undefined))).toBe(3);
    for (let i = 0; i < 3; i++) a!.coordinator.network.end('n1');
    await settle();
    expect(await waitFor('B to count 0', async () => (loadAtB() === 0 ? 0 : undefined))).toBe(0);
  });

  it("spends one client key's burst of 4 across coordinators: 2 on A and 2 on B leave none for C", async () => {
    const { cs, settle } = await cluster();
    const [a, b, c] = cs;
    const node = await register(a!, descriptor('n1'), 'http://127.0.0.1:9');
    await beat(a!, node);
    await settle();
    const codes: number[] = [];
    for (const x of [a!, a!, b!, b!]) codes.push((await route(x, CLIENT_KEY)).statusCode);
    await settle();
    codes.push((await route(c!, CLIENT_KEY)).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 429]);
  });

  it('cut off from the bus, A routes on its last view and says degraded; back, it learns a node registered meanwhile', async () => {
    const { cs, buses, settle } = await cluster(2);
    const [a, b] = cs;
    const n1 = await register(a!, descriptor('n1'), 'http://127.0.0.1:9');
    await beat(a!, n1);
    await settle();
    buses[0]!.disconnect();
    const health = await a!.app.inject({ method: 'GET', url: '/healthz' });
    expect([health.statusCode, health.json().degraded, health.json().cluster.connected]).toEqual([
      200,
      true,
      false,
    ]);
    expect((await route(a!)).statusCode).toBe(200);
    await register(b!, descriptor('n2'), 'http://127.0.0.1:10');
    await settle();
    expect(a!.coordinator.registry.get('n2')).toBeUndefined();
    buses[0]!.reconnect();
    await waitFor('A to catch up', async () => a!.coordinator.registry.get('n2'));
    const after = await a!.app.inject({ method: 'GET', url: '/healthz' });
    expect([after.json().degraded, after.json().cluster.catchUps]).toEqual([false, 1]);
  });
});
