import { describe, expect, it } from 'vitest';
import { buildWorkerApp } from './app.js';
import { parseProfile } from './profile.js';

const LLAMA = 'llama-3.1-8b-instruct';
const QWEN = 'qwen2.5-7b-instruct';

function worker(over: Record<string, unknown>) {
  return buildWorkerApp(
    parseProfile(
      {
        models: [
          { id: LLAMA, weightsGb: 16 },
          { id: QWEN, weightsGb: 15 },
        ],
        ...over,
      },
      'profile',
    ),
  );
}

const post = (w: ReturnType<typeof worker>, url: string, payload?: Record<string, unknown>) =>
  w.app.inject(payload === undefined ? { method: 'POST', url } : { method: 'POST', url, payload });

describe('the emulated worker loads and unloads on command', () => {
  it('ollama: /api/generate without a prompt loads (16 GB at 2 GB/s × 0.001 = 8 ms), keep_alive 0 unloads; /api/ps follows', async () => {
    const w = worker({ flavor: 'ollama', timeScale: 0.001 });
    const ps = async () =>
      ((await w.app.inject('/api/ps')).json() as { models: { name: string }[] }).models.map((m) => m.name);
    expect(await ps()).toEqual([]);
    const load = await post(w, '/api/generate', { model: LLAMA, keep_alive: -1 });
    expect(load.statusCode).toBe(200);
    expect(load.json()).toMatchObject({ model: LLAMA, done: true, done_reason: 'load' });
    expect(await ps()).toEqual([LLAMA]);
    expect((await post(w, '/api/generate', { model: LLAMA, keep_alive: 0 })).json()).toMatchObject({
      done_reason: 'unload',
    });
    expect(await ps()).toEqual([]);
    expect((await post(w, '/api/generate', { model: LLAMA, prompt: 'hi' })).statusCode).toBe(400);
    expect((await post(w, '/api/generate', { model: 'nope', keep_alive: -1 })).statusCode).toBe(404);
  });

  it('evicts the least recently used idle model to fit (20 GB: qwen goes when llama loads), and answers 503 for a model larger than memory', async () => {
    const w = worker({ flavor: 'ollama', memoryGb: 20, timeScale: 0, preload: [QWEN] });
    expect(w.engine.memory.ids('resident')).toEqual([QWEN]);
    expect((await post(w, '/meridian/load', { model: LLAMA })).json()).toEqual({
      model: LLAMA,
      state: 'resident',
    });
    expect(w.engine.memory.ids('resident')).toEqual([LLAMA]);
    const small = buildWorkerApp(
      parseProfile({ memoryGb: 10, flavor: 'ollama', models: [{ id: LLAMA, weightsGb: 16 }] }, 'p'),
    );
    expect((await post(small, '/meridian/load', { model: LLAMA })).statusCode).toBe(503);
  });

  it('vllm: /sleep unloads every model and /is_sleeping says so; /wake_up loads them again', async () => {
    const w = worker({ flavor: 'vllm', timeScale: 0 });
    expect(w.engine.memory.ids('resident')).toEqual([LLAMA, QWEN]);
    expect((await post(w, '/sleep?level=1')).statusCode).toBe(200);
    expect(w.engine.memory.ids('resident')).toEqual([]);
    expect((await w.app.inject('/is_sleeping')).json()).toEqual({ is_sleeping: true });
    expect((await post(w, '/wake_up')).statusCode).toBe(200);
    expect(w.engine.memory.ids('resident')).toEqual([LLAMA, QWEN]);
    expect((await w.app.inject('/is_sleeping')).json()).toEqual({ is_sleeping: false });
  });

  it('unloads a model that is serving once its request ends (ollama keep_alive 0), and answers 400 for a body without a model', async () => {
    const w = worker({ flavor: 'ollama', timeScale: 0, preload: [LLAMA] });
    w.engine.memory.pin(LLAMA, Date.now());
    expect((await post(w, '/api/generate', { model: LLAMA, keep_alive: 0 })).statusCode).toBe(200);
    expect([w.engine.memory.state(LLAMA), w.engine.memory.leaving(LLAMA)]).toEqual(['resident', true]);
    w.engine.memory.unpin(LLAMA, Date.now());
    expect(w.engine.memory.state(LLAMA)).toBe('absent');
    expect((await post(w, '/meridian/unload', { name: LLAMA })).statusCode).toBe(400);
  });

  it('a load that needs the memory of a model leaving waits for it (20 GB: qwen, serving, is unloaded; llama loads when its request ends)', async () => {
    const w = worker({ flavor: 'ollama', memoryGb: 20, timeScale: 0.001, preload: [QWEN] });
    w.engine.memory.pin(QWEN, Date.now());
    expect((await post(w, '/api/generate', { model: LLAMA, keep_alive: -1 })).statusCode).toBe(503);
    expect((await post(w, '/api/generate', { model: QWEN, keep_alive: 0 })).statusCode).toBe(200);
    const load = post(w, '/api/generate', { model: LLAMA, keep_alive: -1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(w.engine.memory.ids('resident')).toEqual([QWEN]);
    w.engine.memory.unpin(QWEN, Date.now());
    expect((await load).statusCode).toBe(200);
    expect(w.engine.memory.ids('resident')).toEqual([LLAMA]);
  });

  it('vllm: /sleep is refused (409) while a model serves a request, and unloads nothing', async () => {
    const w = worker({ flavor: 'vllm', timeScale: 0 });
    w.engine.memory.pin(LLAMA, Date.now());
    expect((await post(w, '/sleep')).statusCode).toBe(409);
    expect(w.engine.memory.ids('resident')).toEqual([LLAMA, QWEN]);
    expect(w.engine.memory.leaving(LLAMA)).toBe(false);
  });
});
