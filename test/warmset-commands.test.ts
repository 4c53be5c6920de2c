import { afterEach, describe, expect, it } from 'vitest';
import { envelope } from '../src/agent/coordinator-client.js';
import { MemoryStore } from '../src/store/memory-store.js';
import type { WarmActionRecord } from '../src/store/registry-store.js';
import type { HeartbeatInput, HeartbeatResponse, ModelReport } from '../src/wire/protocol.js';
import {
  ADMIN,
  descriptor,
  register,
  startCoordinator,
  type TestCoordinator,
  type TestNode,
  TOKEN_A,
  TOKEN_B,
} from './server-kit.js';

const LLAMA = 'llama-3.1-8b-instruct';
const QWEN = 'qwen2.5-7b-instruct';
/** A whole minute, so 10-second buckets start there. */
const T0 = Date.UTC(2026, 0, 5, 10);

let c: TestCoordinator | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

/** A coordinator planning on 10-second buckets over a 60-second horizon, on a clock the test moves. */
async function coordinator(clock: { now: number }, ttlMs = 600_000): Promise<TestCoordinator> {
  c = await startCoordinator(
    {
      demand: { bucketMs: 10_000 },
      warmset: { bucketMs: 10_000, horizonMs: 60_000, commandTtlMs: ttlMs },
      telemetry: { unhealthyAfterMs: 3_600_000, staleAfterMs: 3_500_000 },
    },
    { store: new MemoryStore(), now: () => clock.now },
  );
  return c;
}

async function beat(
  app: TestCoordinator,
  node: TestNode,
  at: number,
  models: ModelReport[],
  over: Partial<HeartbeatInput> = {},
): Promise<HeartbeatResponse> {
  node.seq++;
  const hb: HeartbeatInput = {
    nodeId: node.id,
    seq: node.seq,
    sentAt: at,
    models,
    slots: 8,
    inFlight: 0,
    queue: 0,
    ...over,
  };
  const res = await app.app.inject({
    method: 'POST',
    url: '/v1/heartbeats',
    payload: envelope('heartbeat', hb, node.key),
  });
  expect(res.statusCode).toBe(200);
  return res.json() as HeartbeatResponse;
}

async function actions(
  app: TestCoordinator,
  token = ADMIN,
): Promise<{ status: number; body: { actions: WarmActionRecord[] } }> {
  const res = await app.app.inject({
    method: 'GET',
    url: '/v1/warmset/actions',
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.statusCode, body: res.json() as { actions: WarmActionRecord[] } };
}

/** n1 (provider prov-n1) holds llama warm; n2 (prov-n2) has it on disk; both hold qwen, which nobody asks for. */
async function twoNodes(app: TestCoordinator, at: number) {
  const n1 = await register(app, descriptor('n1'), 'http://127.0.0.1:9/n1', { signedAt: at });
  const n2 = await register(app, descriptor('n2'), 'http://127.0.0.1:9/n2', { signedAt: at });
  const n2Models: ModelReport[] = [
    { id: LLAMA, state: 'localDisk', servedAs: 'llama3.1:8b' },
    { id: QWEN, state: 'warm' },
  ];
  await beat(app, n1, at, [
    { id: LLAMA, state: 'warm' },
    { id: QWEN, state: 'warm' },
  ]);
  await beat(app, n2, at, n2Models);
  return { n1, n2, n2Models };
}

/** `perBucket` (20) requests for llama from Tokyo in each of the four 10-second buckets before `end`. */
function demandRamp(app: TestCoordinator, end: number, perBucket = 20): void {
  for (let b = 4; b >= 1; b--)
    for (let k = 0; k < perBucket; k++)
      app.coordinator.demand.add(
        { lat: 35.68, lon: 139.69, metro: 'tokyo' },
        LLAMA,
        end - b * 10_000 + k * 100,
        300,
        true,
      );
}

/** The plan of the first test below (load llama on n2, unload qwen from n2), issued and not yet delivered. */
async function qwenOrderedOutOfN2() {
  const clock = { now: T0 + 40_000 };
  const app = await coordinator(clock);
  const { n2, n2Models } = await twoNodes(app, clock.now);
  demandRamp(app, T0 + 40_000);
  await app.coordinator.warm.control.step();
  /** Delivers n2's commands in its next heartbeat; the unload among them. */
  const deliver = async () => {
    const sent = await beat(app, n2, clock.now + 1000, n2Models);
    return sent.commands!.list.find((x) => x.kind === 'unload')!;
  };
  /** Whether the router's view excludes the pair (n2, qwen): 1 or 0. */
  const excluded = () => {
    const v = app.coordinator.network.currentView();
    const t = v.topology;
    return v.dyn.excluded[t.index.get('n2')! * t.models.count + t.models.index.get(QWEN)!];
  };
  return { app, clock, n2, n2Models, deliver, excluded };
}

describe('the warm-set controller in the coordinator', () => {
  it('commands a load of llama on n2 (only prov-n1 holds it warm at 2 req/s) and the unload of idle qwen from n2, each with its reason, recorded pending', async () => {
    const clock = { now: T0 + 40_000 };
    const app = await coordinator(clock);
    await twoNodes(app, clock.now);
    demandRamp(app, T0 + 40_000);
    const issued = await app.coordinator.warm.control.step();
    expect(issued.map((a) => [a.kind, a.node, a.model, a.status])).toEqual([
      ['load', 'n2', LLAMA, 'pending'],
      ['unload', 'n2', QWEN, 'pending'],
    ]);
    expect(issued[0]!.reason).toMatch(/^warm only in prov-n1; \d+\.\d\d req\/s forecast$/);
    expect(Number(/; ([\d.]+) req/.exec(issued[0]!.reason)![1])).toBeGreaterThanOrEqual(2);
    expect(issued[1]!.reason).toMatch(/^idle: 0\.000 req\/s forecast/);
    // An open command is not given again by the next plan.
    expect(await app.coordinator.warm.control.step()).toEqual([]);
  });

  it('hides a model it ordered out of a node from the router until the node reports it gone: qwen on n2 stays excluded after its unload is done while n2 still reports it warm (a backend unloads a busy model when its requests end)', async () => {
    const { app, clock, n2, n2Models, deliver, excluded } = await qwenOrderedOutOfN2();
    expect(excluded()).toBe(1);
    const unload = await deliver();
    await beat(app, n2, clock.now + 2000, n2Models, { acks: [{ id: unload.id, status: 'done' }] });
    expect(excluded()).toBe(1);
    expect(app.coordinator.warm.commands.expected('n2', QWEN)).toBe(false);
    await beat(app, n2, clock.now + 3000, [
      { id: LLAMA, state: 'loading', progress: 0.5 },
      { id: QWEN, state: 'hostRam' },
    ]);
    expect(excluded()).toBe(0);
    expect(app.coordinator.warm.commands.expected('n2', QWEN)).toBeUndefined();
  });

  it('gives the pair back to the router when the unload fails: qwen on n2 answered failed', async () => {
    const { app, clock, n2, n2Models, deliver, excluded } = await qwenOrderedOutOfN2();
    const unload = await deliver();
    await beat(app, n2, clock.now + 2000, n2Models, {
      acks: [{ id: unload.id, status: 'failed', detail: 'busy' }],
    });
    expect(excluded()).toBe(0);
  });

  it('with one provider only, loads a second replica for its economics when 0.5 req/s queue on one single-slot H100 (reason: the seconds it saves)', async () => {
    const clock = { now: T0 + 40_000 };
    const app = await coordinator(clock);
    const n1 = await register(
      app,
      descriptor('n1', { labels: { provider: 'aws' } }),
      'http://127.0.0.1:9/n1',
      {
        signedAt: clock.now,
      },
    );
    const n2 = await register(
      app,
      descriptor('n2', { labels: { provider: 'aws' } }),
      'http://127.0.0.1:9/n2',
      {
        signedAt: clock.now,
      },
    );
    await beat(app, n1, clock.now, [{ id: LLAMA, state: 'warm' }], { slots: 1 });
    await beat(app, n2, clock.now, [{ id: LLAMA, state: 'localDisk' }], { slots: 1 });
    demandRamp(app, T0 + 40_000, 5);
    const issued = await app.coordinator.warm.control.step();
    expect(issued.map((a) => [a.kind, a.node, a.model])).toEqual([['load', 'n2', LLAMA]]);
    expect(issued[0]!.reason).toMatch(/^saves \d+\.\d s of waiting over the horizon at \d+\.\d\d req\/s/);
    expect(issued[0]!.gainMs).toBeGreaterThan(1.5 * issued[0]!.costMs);
  });

  it("loads where the demand is: Tokyo demand queueing on one single-slot Frankfurt H100, with a Frankfurt and a Tokyo node able to load → the Tokyo one (the plan reads places from the demand log and round trips from the router's view)", async () => {
    const clock = { now: T0 + 40_000 };
    const app = await coordinator(clock);
    const tokyo = { lat: 35.68, lon: 139.69, metro: 'tokyo' };
    const reg = (id: string, location?: typeof tokyo) =>
      register(
        app,
        descriptor(id, { labels: { provider: 'aws' }, ...(location && { location }) }),
        `http://127.0.0.1:9/${id}`,
        { signedAt: clock.now },
      );
    const fra1 = await reg('fra-1');
    const fra2 = await reg('fra-2');
    const nrt1 = await reg('nrt-1', tokyo);
    await beat(app, fra1, clock.now, [{ id: LLAMA, state: 'warm' }], { slots: 1 });
    await beat(app, fra2, clock.now, [{ id: LLAMA, state: 'localDisk' }], { slots: 1 });
    await beat(app, nrt1, clock.now, [{ id: LLAMA, state: 'localDisk' }], { slots: 1 });
    demandRamp(app, T0 + 40_000, 5);
    const issued = await app.coordinator.warm.control.step();
    expect(issued.map((a) => [a.kind, a.node, a.model])).toEqual([['load', 'nrt-1', LLAMA]]);
  });

  it('with one provider and light demand (one request per bucket on 8 slots), loads nothing', async () => {
    const clock = { now: T0 + 40_000 };
    const app = await coordinator(clock);
    const n1 = await register(
      app,
      descriptor('n1', { labels: { provider: 'aws' } }),
      'http://127.0.0.1:9/n1',
      {
        signedAt: clock.now,
      },
    );
    const n2 = await register(
      app,
      descriptor('n2', { labels: { provider: 'aws' } }),
      'http://127.0.0.1:9/n2',
      {
        signedAt: clock.now,
      },
    );
    await beat(app, n1, clock.now, [{ id: LLAMA, state: 'warm' }]);
    await beat(app, n2, clock.now, [{ id: LLAMA, state: 'localDisk' }]);
    for (let b = 4; b >= 1; b--)
      app.coordinator.demand.add(
        { lat: 35.68, lon: 139.69, metro: 'tokyo' },
        LLAMA,
        T0 + 40_000 - b * 10_000,
        300,
        true,
      );
    expect(await app.coordinator.warm.control.step()).toEqual([]);
  });

  it("delivers the commands in n2's next heartbeat answer (bound to n2 and that sequence, under the backend's name) and records n2's answers", async () => {
    const clock = { now: T0 + 40_000 };
    const app = await coordinator(clock);
    const { n1, n2, n2Models } = await twoNodes(app, clock.now);
    demandRamp(app, T0 + 40_000);
    const [load, unload] = await app.coordinator.warm.control.step();
    expect((await beat(app, n1, clock.now, [{ id: LLAMA, state: 'warm' }])).commands).toBeUndefined();
    const answer = await beat(app, n2, clock.now, n2Models);
    expect(answer.commands).toEqual({
      nodeId: 'n2',
      seq: n2.seq,
      list: [
        { id: load!.id, kind: 'load', model: LLAMA, name: 'llama3.1:8b' },
        { id: unload!.id, kind: 'unload', model: QWEN, name: QWEN },
      ],
    });
    expect((await beat(app, n2, clock.now, n2Models)).commands).toBeUndefined(); // sent once
    expect((await actions(app)).body.actions.map((a) => a.status)).toEqual(['sent', 'sent']);
    clock.now += 5000;
    // n1 cannot answer for n2; n2's own answers are recorded.
    await beat(app, n1, clock.now, [], { acks: [{ id: load!.id, status: 'failed', detail: 'forged' }] });
    await beat(app, n2, clock.now, [{ id: LLAMA, state: 'warm' }], {
      acks: [
        { id: load!.id, status: 'done', detail: 'loaded in 4.2 s' },
        { id: unload!.id, status: 'unsupported', detail: 'no unload API' },
      ],
    });
    await app.coordinator.warm.commands.flush();
    // Same creation time: listed by id, random; compare by model.
    const listed = (await actions(app)).body.actions.sort((a, b) => (a.model < b.model ? -1 : 1));
    expect(listed.map((a) => [a.model, a.status, a.detail, a.updatedAt])).toEqual([
      [LLAMA, 'done', 'loaded in 4.2 s', T0 + 45_000],
      [QWEN, 'unsupported', 'no unload API', T0 + 45_000],
    ]);
    const metrics = await app.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const lines = metrics.body.split('\n').filter((l) => l.startsWith('meridian_warmset_commands{'));
    expect(lines).toEqual([
      'meridian_warmset_commands{kind="load",status="done"} 1',
      'meridian_warmset_commands{kind="unload",status="unsupported"} 1',
    ]);
  });

  it('does not give a node again a command it answered unsupported (the unload of qwen), until it registers anew', async () => {
    const clock = { now: T0 + 40_000 };
    const app = await coordinator(clock);
    const { n2, n2Models } = await twoNodes(app, clock.now);
    demandRamp(app, T0 + 40_000);
    const [load, unload] = await app.coordinator.warm.control.step();
    await beat(app, n2, clock.now, n2Models);
    await beat(app, n2, clock.now, n2Models, {
      acks: [
        { id: load!.id, status: 'failed', detail: 'HTTP 500' },
        { id: unload!.id, status: 'unsupported', detail: 'no unload API' },
      ],
    });
    const again = await app.coordinator.warm.control.step();
    expect(again.map((a) => [a.kind, a.node, a.model])).toEqual([['load', 'n2', LLAMA]]);
  });

  it('does not load llama on n2 again for two horizons (2 × 60 s) after its load there was undone: not at +70 s, again at +125 s', async () => {
    const clock = { now: T0 + 40_000 };
    const app = await coordinator(clock);
    const { n2, n2Models } = await twoNodes(app, clock.now);
    demandRamp(app, clock.now);
    const [load, unload] = await app.coordinator.warm.control.step();
    expect([load!.kind, load!.node, load!.model]).toEqual(['load', 'n2', LLAMA]);
    await beat(app, n2, clock.now, n2Models);
    const gone: ModelReport[] = [
      { id: LLAMA, state: 'localDisk', servedAs: 'llama3.1:8b' },
      { id: QWEN, state: 'localDisk' },
    ];
    // n2 loads llama and unloads qwen, then llama is gone again: something the plan does not model.
    await beat(app, n2, clock.now + 1000, gone, {
      acks: [
        { id: load!.id, status: 'done', detail: 'loaded' },
        { id: unload!.id, status: 'done', detail: 'unloaded' },
      ],
    });
    await app.coordinator.warm.commands.flush();
    const llamaOnN2 = async (at: number) => {
      clock.now = at;
      await beat(app, n2, at, gone);
      demandRamp(app, at);
      const planned = await app.coordinator.warm.control.step();
      return planned.some((a) => a.kind === 'load' && a.node === 'n2' && a.model === LLAMA);
    };
    expect(await llamaOnN2(T0 + 40_000 + 70_000)).toBe(false);
    expect(await llamaOnN2(T0 + 40_000 + 125_000)).toBe(true);
  });

  it('expires a command its node never fetches once the TTL (30 s) passes', async () => {
    const clock = { now: T0 + 40_000 };
    const app = await coordinator(clock, 30_000);
    await twoNodes(app, clock.now);
    demandRamp(app, T0 + 40_000);
    await app.coordinator.warm.control.step();
    clock.now += 30_000;
    app.coordinator.warm.commands.expire();
    await app.coordinator.warm.commands.flush();
    const listed = (await actions(app)).body.actions;
    expect(listed.map((a) => [a.status, a.detail])).toEqual([
      ['expired', 'the node did not heartbeat'],
      ['expired', 'the node did not heartbeat'],
    ]);
  });

  it('lists commands to the admin, to an operator only on its own nodes, and to nobody else (401)', async () => {
    const clock = { now: T0 + 40_000 };
    const app = await coordinator(clock);
    await twoNodes(app, clock.now);
    demandRamp(app, T0 + 40_000);
    await app.coordinator.warm.control.step();
    expect((await actions(app)).body.actions).toHaveLength(2);
    expect((await actions(app, TOKEN_A)).body.actions).toHaveLength(2);
    expect((await actions(app, TOKEN_B)).body.actions).toHaveLength(0);
    expect((await actions(app, 'not-a-token-at-all')).status).toBe(401);
    const bad = await app.app.inject({
      method: 'GET',
      url: '/v1/warmset/actions?limit=0',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(bad.statusCode).toBe(400);
  });
});
