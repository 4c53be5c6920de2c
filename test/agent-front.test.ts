import { afterEach, describe, expect, it } from 'vitest';
import { Agent, type AgentStatus } from '../src/agent/agent.js';
import { httpControlCheck } from '../src/server/endpoint-proof.js';
import { generateIdentity } from '../src/wire/identity.js';
import {
  descriptor,
  startCoordinator,
  startWorker,
  type TestCoordinator,
  type TestWorker,
  TOKEN_A,
} from './server-kit.js';

/**
 * The proof of control beside a real inference server, which knows nothing of node keys: the agent's
 * front answers the proof with the node key and forwards the rest to the backend. Loopback only.
 */

const MODEL = 'llama-3.1-8b-instruct';
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(listen: boolean) {
  const c: TestCoordinator = await startCoordinator({}, { controlCheck: httpControlCheck(2000) });
  cleanup.push(() => c.close());
  await c.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = c.app.server.address() as { port: number };
  const backend: TestWorker = await startWorker({ tokensPerSec: 1000 }); // no key: a plain backend
  cleanup.push(() => backend.close());
  const statuses: AgentStatus[] = [];
  const agent = new Agent({
    coordinator: `http://127.0.0.1:${port}`,
    backend: backend.url,
    kind: 'vllm',
    token: TOKEN_A,
    node: descriptor('n1'),
    key: generateIdentity(),
    intervalMs: 60_000,
    ...(listen ? { listen: { host: '127.0.0.1', port: 0 } } : {}),
    onStatus: (s) => statuses.push(s),
  });
  cleanup.push(() => agent.stop());
  return { c, backend, agent, statuses };
}

describe('agent front (meridian agent --listen)', () => {
  it('registers its front as the endpoint (the proof passes) and the gateway reaches the backend through it, streamed or not', async () => {
    const { c, backend, agent } = await setup(true);
    await agent.tick();
    const node = c.coordinator.registry.get('n1');
    expect(node?.record.endpoint).toBe(agent.endpoint);
    expect(agent.endpoint).not.toBe(backend.url);
    expect(c.coordinator.network.telemetry.get('n1')?.heartbeat.models.map((m) => m.id)).toEqual([MODEL]);
    for (const stream of [false, true]) {
      const res = await c.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: { model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, stream },
      });
      expect([stream, res.statusCode, res.headers['x-meridian-node']]).toEqual([stream, 200, 'n1']);
      if (stream) expect(res.body).toContain('data: [DONE]');
      else expect((res.json() as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(3);
    }
  });

  it('without a front, the bare backend cannot prove control: registration refused 403 proof_failed, and the agent gives up', async () => {
    const { c, agent, statuses } = await setup(false);
    await agent.tick();
    expect(c.coordinator.registry.all()).toEqual([]);
    expect(statuses).toEqual([]);
    const refusal = await agent.refused;
    expect([refusal.during, refusal.error.status, refusal.error.code]).toEqual([
      'registration',
      403,
      'proof_failed',
    ]);
  });
});
