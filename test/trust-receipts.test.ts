import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decide } from '../src/server/decide.js';
import {
  ADMIN,
  beat,
  descriptor,
  register,
  startCoordinator,
  startWorker,
  type TestCoordinator,
  type TestWorker,
  TOKEN_A,
  TOKEN_B,
} from './server-kit.js';

/**
 * Trust in the coordinator's answers: twin nodes a1 (operator op-a) and x (op-b) in Frankfurt, and x
 * caught once contradicting its output claim — one contradiction among its heartbeats' held warm claims
 * (each heartbeat whose warm weights fit memory holds), so its score (1 + held) / (2 + held + 1) is below
 * 0.8: demoted, and one output contradiction (ln(0.5 / 0.01) = 3.91) stays below the test's 4.5: not
 * quarantined.
 */
const MODEL = 'llama-3.1-8b-instruct';
const ROUTE = {
  model: MODEL,
  client: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
  inputTokens: 100,
  outputTokens: 20,
};

let worker: TestWorker;
let other: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
  other = await startWorker();
});
afterAll(async () => {
  await Promise.all([worker.close(), other.close()]);
});

async function twins(decide?: Decide): Promise<TestCoordinator> {
  const c = await startCoordinator({}, decide === undefined ? {} : { decide });
  expect(await beat(c, await register(c, descriptor('a1'), worker.url))).toBe(200);
  const x = await register(c, descriptor('x', { labels: { operator: 'op-b' } }), other.url, {
    token: TOKEN_B,
  });
  expect(await beat(c, x)).toBe(200);
  c.coordinator.trust!.ledger.record('x', 'output', false, c.coordinator.now());
  return c;
}

const get = async (c: TestCoordinator, url: string, token?: string) =>
  (
    await c.app.inject({
      method: 'GET',
      url,
      ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
    })
  ).json() as Record<string, unknown>;

describe('trust in routing, receipts and /v1/nodes', () => {
  it('routes the first 5 decisions and most of 20 to the trusted twin a1, and costs the demoted x 1.5 × its predicted completion in every one of 20 decisions', async () => {
    const c = await twins();
    try {
      const chosen: string[] = [];
      for (let k = 0; k < 20; k++) {
        const res = await c.app.inject({ method: 'POST', url: '/v1/route', payload: ROUTE });
        expect(res.statusCode).toBe(200);
        const body = res.json() as {
          primary: string;
          receipt: { top: Array<Record<string, number | string>> };
        };
        chosen.push(body.primary);
        const row = (id: string) => body.receipt.top.find((t) => t.node === id)!;
        // cost = completion (estimate + 0.5 × uncertainty, `completion-time`), × 1.5 for x (`demoted`).
        const completion = (id: string) =>
          (row(id).estimateMs as number) + 0.5 * (row(id).uncertaintyMs as number);
        expect(row('x').costMs as number).toBeCloseTo(1.5 * completion('x'), 0);
        expect(row('a1').costMs as number).toBeCloseTo(completion('a1'), 0);
      }
      // Each decision counts as a send to its node: x wins only once a1's queue makes it 1.5× slower.
      expect(chosen.slice(0, 5)).toEqual(['a1', 'a1', 'a1', 'a1', 'a1']);
      expect(chosen.filter((n) => n === 'a1').length).toBeGreaterThan(chosen.filter((n) => n === 'x').length);
    } finally {
      await c.close();
    }
  });

  it('records the chosen node and its fallback with score, standing and the claims contradicted on the /v1/route and the gateway receipts', async () => {
    const c = await twins(() => ({ primary: 'x', fallbacks: ['a1'], receipt: { fixed: ['x', 'a1'] } }));
    try {
      const route = await c.app.inject({ method: 'POST', url: '/v1/route', payload: ROUTE });
      const chat = await c.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: { model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 },
      });
      expect(chat.statusCode).toBe(200);
      for (const id of [
        (route.json() as { receiptId: string }).receiptId,
        String(chat.headers['x-meridian-receipt']),
      ]) {
        const receipt = await get(c, `/v1/receipts/${id}`, ADMIN);
        const [primary, fallback] = receipt.trust as Array<Record<string, unknown>>;
        expect(primary).toMatchObject({
          node: 'x',
          quarantined: false,
          standing: 'demoted',
          contradicted: { output: 1 },
        });
        expect(primary!.score as number).toBeLessThan(0.8);
        expect(fallback).toMatchObject({
          node: 'a1',
          quarantined: false,
          standing: 'trusted',
          contradicted: {},
        });
      }
    } finally {
      await c.close();
    }
  });

  it('shows operator trust to an admin (both), to op-b (its own: 1 node, 0 quarantined, 1 demoted), not anonymously', async () => {
    const c = await twins();
    try {
      const ops = (await get(c, '/v1/nodes', ADMIN)).operators as Array<Record<string, unknown>>;
      expect(ops.map((o) => o.id)).toEqual(['op-a', 'op-b']);
      // One node, one held warm claim and one output contradiction: (1 + 1) / (2 + 2) = 0.5.
      expect(ops[1]).toMatchObject({ id: 'op-b', nodes: 1, quarantined: 0, demoted: 1 });
      expect(ops[1]!.score as number).toBeCloseTo(0.5, 6);
      expect(ops[0]).toMatchObject({ id: 'op-a', nodes: 1, quarantined: 0, demoted: 0 });
      // Read again a moment later, the evidence has decayed a little: the same operator, score to 6 places.
      const own = (await get(c, '/v1/nodes', TOKEN_B)).operators as Array<Record<string, unknown>>;
      expect(own).toEqual([{ ...ops[1], score: expect.any(Number) }]);
      expect(own[0]!.score as number).toBeCloseTo(ops[1]!.score as number, 6);
      expect(((await get(c, '/v1/nodes', TOKEN_A)).operators as unknown[]).length).toBe(1);
      expect((await get(c, '/v1/nodes')).operators).toBeUndefined();
    } finally {
      await c.close();
    }
  });
});
