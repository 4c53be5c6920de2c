import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decide } from '../src/server/decide.js';
import {
  ADMIN,
  beat,
  descriptor,
  register,
  startCoordinator,
  startWorker,
  type TestWorker,
  TOKEN_B,
  waitFor,
} from './server-kit.js';

const MODEL = 'llama-3.1-8b-instruct';

let honest1: TestWorker;
let honest2: TestWorker;
let liar: TestWorker;
beforeAll(async () => {
  // Verifiers answer after 400 ms, so their re-runs can be seen in flight.
  honest1 = await startWorker({ networkDelayMs: 400 });
  honest2 = await startWorker({ networkDelayMs: 400 });
  liar = await startWorker({}, { lie: 'output' });
});
afterAll(async () => {
  await Promise.all([honest1.close(), honest2.close(), liar.close()]);
});

/** Every request goes to node `id` (the gateway apart from the router). */
const to =
  (id: string): Decide =>
  () => ({ primary: id, fallbacks: [], receipt: { fixed: [id] } });

describe('gateway spot checks of streamed answers', () => {
  it('re-runs a streamed answer of an output liar (op-b) on two op-a nodes, one at a time and each counted in flight at its verifier (1) while it runs, and records the verdict against it on the receipt', async () => {
    const c = await startCoordinator({ gateway: { trust: { spotCheckRate: 1 } } }, { decide: to('x') });
    try {
      for (const [id, url] of [
        ['a1', honest1.url],
        ['a2', honest2.url],
      ] as const)
        expect(await beat(c, await register(c, descriptor(id), url))).toBe(200);
      const x = await register(c, descriptor('x', { labels: { operator: 'op-b' } }), liar.url, {
        token: TOKEN_B,
      });
      expect(await beat(c, x)).toBe(200);
      const res = await c.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: { model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, stream: true },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-meridian-node']).toBe('x');
      const id = String(res.headers['x-meridian-receipt']);
      const inflight = () => c.coordinator.network.inflightOf('a1') + c.coordinator.network.inflightOf('a2');
      // The re-run is load on its verifier in the coordinator's own accounting while it runs.
      await waitFor('a re-run in flight at a verifier', async () => (inflight() === 1 ? true : undefined));
      const spot = await waitFor('the spot check verdict on the receipt', async () => {
        const r = await c.app.inject({
          method: 'GET',
          url: `/v1/receipts/${id}`,
          headers: { authorization: `Bearer ${ADMIN}` },
        });
        return (r.json() as { spotCheck?: { verifier: string; tieBreaker?: string; verdict: string } })
          .spotCheck;
      });
      expect(spot.verdict).toBe('executor');
      expect([spot.verifier, spot.tieBreaker].sort()).toEqual(['a1', 'a2']);
      // The re-runs have ended: nothing of theirs is left in the coordinator's in-flight count.
      expect(inflight()).toBe(0);
    } finally {
      await c.close();
    }
  });
});
