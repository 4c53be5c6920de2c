import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendKind } from '../src/agent/adapters.js';
import { Agent, type AgentStatus } from '../src/agent/agent.js';
import { loadOrCreateIdentity } from '../src/agent/keys.js';
import { generateIdentity } from '../src/wire/identity.js';
import type { Heartbeat } from '../src/wire/protocol.js';
import type { WorkerProfileInput } from '../src/worker/profile.js';
import {
  deregister,
  descriptor,
  startCoordinator,
  startWorker,
  type TestCoordinator,
  type TestWorker,
  TOKEN_A,
  tempDir,
} from './server-kit.js';

/**
 * The node agent against emulated backends of each kind and a coordinator listening on loopback. Ticks
 * are driven by hand (no timers), so each step is deterministic.
 */
let coordinator: (TestCoordinator & { url: string }) | undefined;
const workers: TestWorker[] = [];
const agents: Agent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
  for (const w of workers.splice(0)) await w.close();
  await coordinator?.close();
  coordinator = undefined;
});

async function listening(): Promise<TestCoordinator & { url: string }> {
  const c = await startCoordinator();
  await c.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = c.app.server.address() as { port: number };
  coordinator = { ...c, url: `http://127.0.0.1:${port}` };
  return coordinator;
}

async function setup(kind: BackendKind, profile: Partial<WorkerProfileInput>, statuses: AgentStatus[] = []) {
  const c = await listening();
  const w = await startWorker(profile);
  workers.push(w);
  const agent = new Agent({
    coordinator: c.url,
    backend: w.url,
    kind,
    token: TOKEN_A,
    node: descriptor('n1', { slots: 6 }),
    key: generateIdentity(),
    intervalMs: 60_000,
    onStatus: (s) => statuses.push(s),
  });
  agents.push(agent);
  return { c, w, agent, statuses };
}

function reported(c: TestCoordinator): Heartbeat | undefined {
  return c.coordinator.network.telemetry.get('n1')?.heartbeat;
}

describe('node agent', () => {
  it('registers and reports a vLLM backend: served models warm, running and waiting from /metrics', async () => {
    const { c, agent, statuses } = await setup('vllm', { flavor: 'vllm' });
    await agent.tick();
    expect(statuses[0]).toMatchObject({ kind: 'registered', nodeId: 'n1' });
    expect(reported(c)).toMatchObject({
      nodeId: 'n1',
      models: [{ id: 'llama-3.1-8b-instruct', state: 'warm' }],
      slots: 6,
      inFlight: 0,
      queue: 0,
      rtt: [],
    });
    await agent.tick();
    expect(reported(c)!.rtt).toEqual([{ to: 'coordinator', ms: expect.any(Number) }]);
  });

  it('reports an Ollama backend: loaded models warm, the others on local disk', async () => {
    const { c, agent } = await setup('ollama', {
      flavor: 'ollama',
      models: [{ id: 'llama-3.1-8b-instruct' }, { id: 'qwen2.5-7b-instruct' }],
      preload: ['qwen2.5-7b-instruct'],
    });
    await agent.tick();
    expect(reported(c)!.models).toEqual([
      { id: 'llama-3.1-8b-instruct', state: 'localDisk' },
      { id: 'qwen2.5-7b-instruct', state: 'warm' },
    ]);
  });

  it('reports a model being loaded with its progress (the emulator offers /meridian/loading)', async () => {
    const { c, w, agent } = await setup('ollama', {
      flavor: 'ollama',
      loadGBps: 16.06, // 1 s to load llama-3.1-8b
      models: [{ id: 'llama-3.1-8b-instruct' }],
    });
    const m = w.engine.model('llama-3.1-8b-instruct')!;
    const loading = w.engine.acquire(m);
    await agent.tick();
    const report = reported(c)!.models[0]!;
    expect(report).toMatchObject({ id: 'llama-3.1-8b-instruct', state: 'loading' });
    expect(report.progress).toBeGreaterThanOrEqual(0);
    expect(report.remainingMs).toBeLessThanOrEqual(1000);
    (await loading)();
  });

  it('maps a llama.cpp model file to its catalog id, and the gateway sends the file name back', async () => {
    const { c, agent } = await setup('llamacpp', {
      flavor: 'llamacpp',
      slots: 3,
      models: [{ id: 'llama-3.1-8b-instruct', name: 'Llama-3.1-8B-Instruct.gguf' }],
    });
    await agent.tick();
    expect(reported(c)).toMatchObject({
      slots: 3,
      models: [{ id: 'llama-3.1-8b-instruct', state: 'warm', servedAs: 'Llama-3.1-8B-Instruct.gguf' }],
    });
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: { model: 'llama-3.1-8b-instruct', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 },
    });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { model: string }).model).toBe('Llama-3.1-8B-Instruct.gguf');
  });

  it('treats every model a generic OpenAI server lists as warm', async () => {
    const { c, agent } = await setup('openai', {
      flavor: 'vllm',
      models: [{ id: 'qwen2.5-7b-instruct', name: 'Qwen/Qwen2.5-7B-Instruct' }],
    });
    await agent.tick();
    expect(reported(c)!.models).toEqual([
      { id: 'qwen2.5-7b-instruct', state: 'warm', servedAs: 'Qwen/Qwen2.5-7B-Instruct' },
    ]);
  });

  it('keeps heartbeating with no models while the backend is down, and says so once', async () => {
    const { c, w, agent, statuses } = await setup('vllm', { flavor: 'vllm' });
    await agent.tick();
    await w.close();
    workers.splice(0);
    await agent.tick();
    await agent.tick();
    expect(reported(c)!.models).toEqual([]);
    expect(statuses.filter((s) => s.kind === 'backend-failed')).toHaveLength(1);
  });

  it('registers again when the coordinator no longer knows the node', async () => {
    const { c, agent, statuses } = await setup('vllm', { flavor: 'vllm' });
    await agent.tick();
    await deregister(c, 'n1');
    await agent.tick(); // heartbeat → 404
    await agent.tick(); // registers again and heartbeats
    expect(statuses.map((s) => s.kind)).toEqual(['registered', 'heartbeat-failed', 'registered']);
    expect(c.coordinator.registry.get('n1')).toBeDefined();
    expect(reported(c)!.models).toHaveLength(1);
  });

  it('creates its key file once (owner-only) and reuses it', () => {
    const tmp = tempDir('key');
    try {
      const file = join(tmp.dir, 'keys', 'node.key');
      const a = loadOrCreateIdentity(file);
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toContain('BEGIN PRIVATE KEY');
      expect(loadOrCreateIdentity(file).publicKeyText).toBe(a.publicKeyText);
    } finally {
      tmp.remove();
    }
  });
});
