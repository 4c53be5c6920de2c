import { afterEach, describe, expect, it } from 'vitest';
import { envelope } from '../src/agent/coordinator-client.js';
import { MemoryHub } from '../src/bus/memory-bus.js';
import { joinCluster } from '../src/server/cluster.js';
import { parseConfig } from '../src/server/config.js';
import { MemoryLeases } from '../src/store/lease.js';
import { MemoryStore } from '../src/store/memory-store.js';
import type { WarmActionRecord } from '../src/store/registry-store.js';
import type { CommandAck, HeartbeatResponse, ModelReport } from '../src/wire/protocol.js';
import { descriptor, register, startCoordinator, type TestCoordinator, type TestNode } from './server-kit.js';

/**
 * The warm-set controller on three coordinators sharing one store and one bus (in process): the
 * `warmset` lease lets one of them plan, its commands reach a node through any coordinator, and when
 * the holder dies another takes over after the lease's 15 s. (Leases on NATS: src/store/lease.test.ts.)
 */

const SECRET = 'cluster-test-secret-0123456789abcdef';
const LEASE_MS = 15_000;
const CLUSTER = parseConfig({
  cluster: { nats: ['nats://127.0.0.1:4222'], prefix: 'warmtest', leaseMs: LEASE_MS },
}).cluster!;
const LLAMA = 'llama-3.1-8b-instruct';
const QWEN = 'qwen2.5-7b-instruct';
const T0 = Date.UTC(2026, 0, 5, 10);
const TTL_MS = 20_000;

let open: TestCoordinator[] = [];
afterEach(async () => {
  for (const c of open) {
    c.coordinator.cluster?.close();
    await c.close();
  }
  open = [];
});

async function cluster(clock: { now: number }, withLease: boolean) {
  const hub = new MemoryHub();
  const store = new MemoryStore();
  const leases = new MemoryLeases();
  const join = async () => {
    const c = await startCoordinator(
      {
        secret: SECRET,
        demand: { bucketMs: 10_000 },
        warmset: { bucketMs: 10_000, horizonMs: 60_000, commandTtlMs: TTL_MS },
        telemetry: { unhealthyAfterMs: 3_600_000, staleAfterMs: 3_500_000 },
      },
      { store, now: () => clock.now },
    );
    joinCluster(c.coordinator, hub.connect(), CLUSTER, () => true, withLease ? leases : undefined);
    open.push(c);
    return c;
  };
  const cs = [await join(), await join(), await join()];
  const settle = async () => {
    for (const c of open) c.coordinator.cluster!.sync();
    await hub.settled();
  };
  return { cs, store, join, settle };
}

async function beat(
  c: TestCoordinator,
  node: TestNode,
  at: number,
  models: ModelReport[],
  acks: CommandAck[] = [],
): Promise<HeartbeatResponse> {
  node.seq++;
  const hb = { nodeId: node.id, seq: node.seq, sentAt: at, models, slots: 8, inFlight: 0, queue: 0, acks };
  const res = await c.app.inject({
    method: 'POST',
    url: '/v1/heartbeats',
    payload: envelope('heartbeat', hb, node.key),
  });
  expect(res.statusCode).toBe(200);
  return res.json() as HeartbeatResponse;
}

const N2_MODELS: ModelReport[] = [
  { id: LLAMA, state: 'localDisk', servedAs: 'llama3.1:8b' },
  { id: QWEN, state: 'warm' },
];

/**
 * n1 (prov-n1) holds llama warm, n2 (prov-n2) has it on disk and idle qwen warm, registered and
 * heartbeating through A; 20 Tokyo requests for llama in each of the four 10-s buckets before `end`,
 * served by A: the plan is a load of llama on n2 and the unload of qwen from n2.
 */
async function network(a: TestCoordinator, at: number, settle: () => Promise<void>) {
  const n1 = await register(a, descriptor('n1'), 'http://127.0.0.1:9/n1', { signedAt: at });
  const n2 = await register(a, descriptor('n2'), 'http://127.0.0.1:9/n2', { signedAt: at });
  await beat(a, n1, at, [
    { id: LLAMA, state: 'warm' },
    { id: QWEN, state: 'warm' },
  ]);
  await beat(a, n2, at, N2_MODELS);
  await demand(a, at);
  await settle();
  return { n1, n2 };
}

async function demand(a: TestCoordinator, end: number): Promise<void> {
  for (let b = 4; b >= 1; b--)
    for (let k = 0; k < 20; k++)
      a.coordinator.demand.add(
        { lat: 35.68, lon: 139.69, metro: 'tokyo' },
        LLAMA,
        end - b * 10_000 + k * 100,
        300,
        true,
      );
  await a.coordinator.demand.flush();
}

const plan = (cs: TestCoordinator[]) => Promise.all(cs.map((c) => c.coordinator.warm.control.step()));
const brief = (issued: WarmActionRecord[]) => issued.map((a) => `${a.kind} ${a.model} on ${a.node}`);

describe('the warm-set controller on three coordinators sharing a bus and a lease', () => {
  it('issues each of the 2 decisions once when all three plan at the same moment (6 without the lease)', async () => {
    for (const withLease of [true, false]) {
      const clock = { now: T0 + 40_000 };
      const { cs, store, settle } = await cluster(clock, withLease);
      await network(cs[0]!, clock.now, settle);
      const issued = await plan(cs);
      const stored = await store.listWarmActions(0, 100);
      if (withLease) {
        expect(issued.map((list) => list.length).sort()).toEqual([0, 0, 2]);
        expect(brief(issued.flat()).sort()).toEqual([`load ${LLAMA} on n2`, `unload ${QWEN} on n2`]);
        expect(stored).toHaveLength(2);
        const holder = cs.findIndex((_, i) => issued[i]!.length === 2);
        expect(cs.map((c) => c.coordinator.warm.control.skipped)).toEqual(
          cs.map((_, i) => (i === holder ? 0 : 1)),
        );
        expect(cs[0]!.coordinator.cluster!.status().warmsetLeader?.holder).toBe(
          cs[holder]!.coordinator.instanceId,
        );
      } else {
        expect(issued.map((list) => list.length)).toEqual([2, 2, 2]);
        expect(stored).toHaveLength(6);
      }
      for (const c of open) {
        c.coordinator.cluster?.close();
        await c.close();
      }
      open = [];
    }
  });

  it("hands the holder's commands to n2 in the answer of a heartbeat sent to another coordinator, and n2's answers through a third close them on all three", async () => {
    const clock = { now: T0 + 40_000 };
    const { cs, store, settle } = await cluster(clock, true);
    const { n2 } = await network(cs[0]!, clock.now, settle);
    const issued = await plan(cs);
    const holder = issued.findIndex((l) => l.length > 0);
    const [other, third] = [cs[(holder + 1) % 3]!, cs[(holder + 2) % 3]!];
    await settle();
    const answer = await beat(other, n2, clock.now, N2_MODELS);
    expect(answer.commands?.list.map((c) => `${c.kind} ${c.model}`)).toEqual([
      `load ${LLAMA}`,
      `unload ${QWEN}`,
    ]);
    await settle();
    // Handed out once: the holder and the third coordinator saw it sent.
    expect((await beat(third, n2, clock.now, N2_MODELS)).commands).toBeUndefined();
    const acks = answer.commands!.list.map((c) => ({ id: c.id, status: 'done' as const, detail: 'ok' }));
    await beat(third, n2, clock.now, [{ id: LLAMA, state: 'warm' }], acks);
    await settle();
    await Promise.all(cs.map((c) => c.coordinator.warm.commands.flush()));
    expect(cs.map((c) => c.coordinator.warm.commands.openFor('n2', LLAMA))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect((await store.listWarmActions(0, 100)).map((r) => r.status)).toEqual(['done', 'done']);
  });

  it('shares what each node served: 3 answers from n2 delivered through one coordinator count on the other two (their planners charge an eviction on n2 for them)', async () => {
    const clock = { now: T0 + 40_000 };
    const { cs, settle } = await cluster(clock, true);
    for (const c of cs) c.coordinator.warm.control.served.fold(clock.now, 60_000);
    for (let k = 0; k < 3; k++) cs[0]!.coordinator.warm.control.served.add('n2', LLAMA);
    await settle();
    clock.now += 10_000;
    const rates = cs.map((c) => {
      c.coordinator.warm.control.served.fold(clock.now, 60_000);
      return c.coordinator.warm.control.served.rps('n2', LLAMA);
    });
    // 3 answers over 10 s at a 60 s time constant: (1 − e^(−1/6)) × 0.3 req/s on every coordinator.
    for (const r of rates) expect(r).toBeCloseTo((1 - Math.exp(-1 / 6)) * 0.3, 9);
  });

  it('after the holder dies, another takes the lease over once 15 s passed, expires its 2 unanswered commands once and issues them again once', async () => {
    const clock = { now: T0 + 40_000 };
    const { cs, store, settle } = await cluster(clock, true);
    await network(cs[0]!, clock.now, settle);
    const issued = await plan(cs);
    const holder = issued.findIndex((l) => l.length > 0);
    await settle();
    // The holder dies: it stops renewing without giving the lease up, and leaves the bus.
    const dead = cs[holder]!;
    await dead.coordinator.cluster!.leader!.stop(false);
    dead.coordinator.cluster!.close();
    const alive = cs.filter((c) => c !== dead);
    clock.now += LEASE_MS - 1;
    expect((await plan(alive)).flat()).toEqual([]);
    expect(alive.map((c) => c.coordinator.warm.control.skipped)).toEqual([2, 2]);
    clock.now = T0 + 40_000 + TTL_MS;
    await demand(alive[0]!, clock.now);
    const again = await plan(alive);
    expect(again.map((l) => l.length).sort()).toEqual([0, 2]);
    expect(brief(again.flat()).sort()).toEqual([`load ${LLAMA} on n2`, `unload ${QWEN} on n2`]);
    const successor = alive[again.findIndex((l) => l.length > 0)]!;
    expect(successor.coordinator.cluster!.leader!.takeovers).toBe(1);
    await Promise.all(alive.map((c) => c.coordinator.warm.commands.flush()));
    const statuses = (await store.listWarmActions(0, 100)).map((r) => r.status).sort();
    expect(statuses).toEqual(['expired', 'expired', 'pending', 'pending']);
  });

  it('a coordinator that was not on the bus when the commands were issued reads them from the store on taking over, and does not issue them again', async () => {
    const clock = { now: T0 + 40_000 };
    const { cs, store, join, settle } = await cluster(clock, true);
    await network(cs[0]!, clock.now, settle);
    const issued = await plan(cs);
    await settle();
    for (const c of cs) {
      await c.coordinator.cluster!.leader!.stop(false);
      c.coordinator.cluster!.close();
    }
    expect(issued.flat()).toHaveLength(2);
    const late = await join();
    clock.now += LEASE_MS;
    await cs[0]!.coordinator.demand.flush();
    expect(await late.coordinator.warm.control.step()).toEqual([]);
    expect(late.coordinator.cluster!.leader!.takeovers).toBe(1);
    expect(late.coordinator.warm.commands.openFor('n2', LLAMA)?.status).toBe('pending');
    expect(await store.listWarmActions(0, 100)).toHaveLength(2);
  });
});
