import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CoordinatorClient } from '../src/agent/coordinator-client.js';
import { Children } from '../src/fleet/children.js';
import { generateIdentity } from '../src/wire/identity.js';
import {
  beat,
  builtMain,
  descriptor,
  LOOPBACK,
  register,
  startCoordinator,
  startWorker,
  type TestCoordinator,
  type TestWorker,
  TOKEN_A,
  tempDir,
  writeYaml,
} from './server-kit.js';
import { type Misbehaving, MODEL, node, refuse } from './support/misbehaving-node.js';

/**
 * A node that claims a model and refuses it pays for it (through route(): the exclusion is in the view),
 * and a restarted coordinator says "not yet" rather than "unknown model" while its nodes have not
 * reported. Real servers on loopback; the restart uses real coordinator processes.
 */

let good: TestWorker;
let c: TestCoordinator | undefined;
let bad: Misbehaving | undefined;
const children = new Children();
const tmp = tempDir('refusals');

beforeAll(async () => {
  good = await startWorker();
});
afterAll(async () => {
  await good.close();
  await children.stopAll();
  tmp.remove();
});
afterEach(async () => {
  await c?.close();
  c = undefined;
  await bad?.close();
  bad = undefined;
});

const chat = { model: MODEL, messages: [{ role: 'user', content: 'hello there' }], max_tokens: 3 };

/** The refusing node in Frankfurt next to the client, the good one in New York: route() prefers the refuser. */
async function refuserAndGood(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  now?: () => number,
): Promise<{ co: TestCoordinator; beatAll: () => Promise<void> }> {
  bad = await node(handler);
  // The defaults: excluded at 3 refusals, readmitted below 1, half-life 30 s.
  const co = await startCoordinator({}, now === undefined ? {} : { now });
  const clock = now ?? Date.now;
  const r = await register(co, descriptor('refuser'), bad.url, { signedAt: clock() });
  const g = await register(
    co,
    descriptor('good', { location: { lat: 40.71, lon: -74.01, metro: 'new-york' } }),
    good.url,
    { signedAt: clock() },
  );
  const beatAll = async () => {
    expect(await beat(co, r, { sentAt: clock() })).toBe(200);
    expect(await beat(co, g, { sentAt: clock() })).toBe(200);
  };
  await beatAll();
  return { co, beatAll };
}

async function send(co: TestCoordinator): Promise<{ status: number; node: unknown; attempts: unknown }> {
  const res = await co.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    payload: chat,
    headers: { 'x-meridian-client-metro': 'frankfurt' },
  });
  return {
    status: res.statusCode,
    node: res.headers['x-meridian-node'],
    attempts: res.headers['x-meridian-attempts'],
  };
}

describe('a node that claims a model warm and refuses it', () => {
  it.each([429, 404, 408])(
    'answering %i: it gets 3 of 20 requests (then route() excludes it), not 20 of 20; every client is answered by the other node',
    async (status) => {
      c = (await refuserAndGood(refuse(status))).co;
      const answers = [];
      for (let k = 0; k < 20; k++) answers.push(await send(c));
      expect(bad!.hits).toBe(3);
      expect(answers.every((a) => a.status === 200 && a.node === 'good')).toBe(true);
      expect(answers.slice(0, 3).map((a) => a.attempts)).toEqual(['2', '2', '2']);
      expect(answers.slice(3).every((a) => a.attempts === '1')).toBe(true);
      expect(c.coordinator.refusals.excluded('refuser', MODEL, Date.now())).toBe(true);
    },
    30_000,
  );

  it('recovers as its penalty decays (half-life 30 s): still excluded 20 s later (score 1.9), readmitted 60 s later (score 0.75), and served once it behaves', async () => {
    let t = 1_750_000_000_000;
    let refusing = true;
    const setup = await refuserAndGood(
      (req, res) => {
        if (refusing) return refuse(429)(req, res);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ object: 'chat.completion', choices: [{ index: 0, message: { content: 'ok' } }] }),
        );
      },
      () => t,
    );
    c = setup.co;
    for (let k = 0; k < 6; k++) await send(c);
    expect(bad!.hits).toBe(3);
    refusing = false;
    t += 20_000;
    await setup.beatAll();
    expect(await send(c)).toMatchObject({ status: 200, node: 'good', attempts: '1' });
    t += 40_000;
    await setup.beatAll();
    expect(await send(c)).toMatchObject({ status: 200, node: 'refuser', attempts: '1' });
    // 3 × 2^-2 = 0.75, halved by the success.
    expect(c.coordinator.refusals.score('refuser', MODEL, t)).toBeCloseTo(0.375, 6);
  }, 30_000);
});

describe('coordinator restart', () => {
  it('answers 503 with Retry-After: 1 (not 404 model_not_found) while registered nodes have not reported, 200 once they have', async () => {
    const main = builtMain();
    const config = writeYaml(join(tmp.dir, 'coordinator.yaml'), {
      listen: { host: '127.0.0.1', port: 0 },
      dataDir: 'data',
      operators: [{ id: 'op-a', token: TOKEN_A }],
      gateway: { probes: { intervalMs: 0 } },
      registry: { allowEndpoints: LOOPBACK },
    });
    let coord = await children.spawn('coordinator', ['serve', '--config', config], { main });
    const key = generateIdentity();
    // The endpoint answers the proof of control with the node's key (an emulated worker on loopback).
    const backend = await startWorker({}, { key });
    let client = new CoordinatorClient(coord.url, key);
    const reg = await client.register(TOKEN_A, descriptor('n1'), backend.url, Date.now());
    let seq = reg.lastSeq;
    const hb = () => ({
      nodeId: 'n1',
      seq: ++seq,
      sentAt: Date.now(),
      models: [{ id: MODEL, state: 'warm' as const }],
      slots: 8,
      inFlight: 0,
      queue: 0,
    });
    const complete = async () => {
      const res = await request(`${coord.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(chat),
      });
      const body = (await res.body.json()) as { error?: { code: string; message: string } };
      return { status: res.statusCode, retryAfter: res.headers['retry-after'], body };
    };
    await client.heartbeat(hb());
    expect((await complete()).status).toBe(200);

    await coord.stop('SIGTERM');
    coord = await children.spawn('coordinator (restarted)', ['serve', '--config', config], { main });
    const early = await complete();
    expect([early.status, early.retryAfter, early.body.error?.code]).toEqual([503, '1', 'starting']);
    expect(early.body.error?.message).toContain('1 registered node(s) have not reported');
    // An unknown model is still 404 at once.
    const unknown = await request(`${coord.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...chat, model: 'gpt-9' }),
    });
    expect(unknown.statusCode).toBe(404);
    await unknown.body.text();

    client = new CoordinatorClient(coord.url, key);
    await client.heartbeat(hb());
    expect((await complete()).status).toBe(200);
    await backend.close();
  }, 60_000);
});
