import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  beat,
  descriptor,
  register,
  startCoordinator,
  startWorker,
  type TestCoordinator,
  type TestWorker,
} from './server-kit.js';

/** What the gateway learned about a node survives other nodes joining (the live topology is rebuilt). */
let worker: TestWorker;
let c: TestCoordinator;

beforeAll(async () => {
  // 200 tokens/s: 5 ms per token, well off the catalog's h100 row, so there is something to learn.
  worker = await startWorker({ tokensPerSec: 200 });
  c = await startCoordinator();
});
afterAll(async () => {
  await c.close();
  await worker.close();
});

interface Learned {
  prefillFactor: number;
  decodeFactor: number;
  samples: number;
}

/** The node's learned speed as `GET /v1/nodes` shows it. */
async function learnedOf(id: string): Promise<Learned> {
  const res = await c.app.inject({ method: 'GET', url: '/v1/nodes' });
  const body = res.json() as { nodes: { id: string; learned: Learned }[] };
  return body.nodes.find((n) => n.id === id)!.learned;
}

describe('live learning across membership changes', () => {
  it('keeps a node’s learned decode factor (after 5 answers) when a second node registers', async () => {
    const a = await register(c, descriptor('a'), worker.url);
    expect(await beat(c, a)).toBe(200);
    for (let k = 0; k < 5; k++) {
      const res = await c.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: {
          model: 'llama-3.1-8b-instruct',
          messages: [{ role: 'user', content: 'x' }],
          max_tokens: 20,
        },
      });
      expect(res.statusCode).toBe(200);
    }
    const learned = await learnedOf('a');
    expect(learned.samples).toBe(5);
    expect(Math.abs(learned.decodeFactor - 1)).toBeGreaterThan(0.1);
    const b = await register(c, descriptor('b'), 'http://127.0.0.1:9');
    expect(await beat(c, b)).toBe(200);
    expect(await learnedOf('a')).toEqual(learned);
    expect(await learnedOf('b')).toEqual({ prefillFactor: 1, decodeFactor: 1, samples: 0 });
  });
});
