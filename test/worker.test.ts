import { afterEach, describe, expect, it } from 'vitest';
import { buildWorkerApp, type WorkerApp } from '../src/worker/app.js';
import { parseProfile, type WorkerProfileInput } from '../src/worker/profile.js';

/** The emulated worker through inject(): discovery endpoints, memory and loading, slots and queue. */
let w: WorkerApp | undefined;
afterEach(async () => {
  await w?.app.close();
  w = undefined;
});

function worker(over: Partial<WorkerProfileInput>): WorkerApp {
  w = buildWorkerApp(
    parseProfile(
      { tokensPerSec: 0, prefillTokensPerSec: 0, models: [{ id: 'llama-3.1-8b-instruct' }], ...over },
      'profile',
    ),
  );
  return w;
}

const chat = (model: string, max = 2) => ({
  model,
  messages: [{ role: 'user', content: 'hi' }],
  max_tokens: max,
});

describe('emulated worker', () => {
  it('answers like vLLM: /v1/models and Prometheus /metrics with running and waiting requests', async () => {
    const { app } = worker({ flavor: 'vllm' });
    expect((await app.inject({ method: 'GET', url: '/v1/models' })).json()).toMatchObject({
      data: [{ id: 'llama-3.1-8b-instruct', object: 'model' }],
    });
    await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat('llama-3.1-8b-instruct', 5),
    });
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('vllm:num_requests_running{model_name="llama-3.1-8b-instruct"} 0');
    expect(metrics).toContain('vllm:generation_tokens_total 5');
  });

  it('answers like Ollama: /api/tags lists what is on disk, /api/ps what is loaded', async () => {
    const { app } = worker({
      flavor: 'ollama',
      models: [{ id: 'llama-3.1-8b-instruct' }, { id: 'qwen2.5-7b-instruct' }],
      preload: ['qwen2.5-7b-instruct'],
    });
    const tags = (await app.inject({ method: 'GET', url: '/api/tags' })).json() as {
      models: { name: string }[];
    };
    expect(tags.models.map((m) => m.name)).toEqual(['llama-3.1-8b-instruct', 'qwen2.5-7b-instruct']);
    const ps = (await app.inject({ method: 'GET', url: '/api/ps' })).json() as {
      models: { name: string; size_vram: number }[];
    };
    expect(ps.models).toEqual([
      {
        name: 'qwen2.5-7b-instruct',
        model: 'qwen2.5-7b-instruct',
        size: 15_240_000_000,
        size_vram: 15_240_000_000,
      },
    ]);
  });

  it('answers like llama.cpp: /props with the model file and slot count, /slots', async () => {
    const { app } = worker({
      flavor: 'llamacpp',
      slots: 2,
      models: [{ id: 'llama-3.1-8b-instruct', name: 'Llama-3.1-8B-Instruct.gguf' }],
    });
    expect((await app.inject({ method: 'GET', url: '/props' })).json()).toMatchObject({
      model_path: '/models/Llama-3.1-8B-Instruct.gguf',
      total_slots: 2,
    });
    expect((await app.inject({ method: 'GET', url: '/slots' })).json()).toEqual([
      { id: 0, is_processing: false },
      { id: 1, is_processing: false },
    ]);
  });

  it('loads a cold model (weights ÷ load speed), evicting the least recently used one, and reports progress', async () => {
    // 16.06 GB at 100 GB/s = 160.6 ms of load time.
    const { app, engine } = worker({
      flavor: 'ollama',
      memoryGb: 32,
      loadGBps: 100,
      models: [
        { id: 'llama-3.1-8b-instruct' },
        { id: 'qwen2.5-7b-instruct' },
        { id: 'mistral-7b-instruct-v0.3' },
      ],
      preload: ['qwen2.5-7b-instruct', 'mistral-7b-instruct-v0.3'],
    });
    const pending = app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat('llama-3.1-8b-instruct'),
    });
    for (let k = 0; k < 1000 && engine.memory.state('llama-3.1-8b-instruct') !== 'loading'; k++)
      await new Promise((r) => setTimeout(r, 1));
    expect(engine.memory.state('llama-3.1-8b-instruct')).toBe('loading');
    expect(engine.memory.ids('resident')).toEqual(['mistral-7b-instruct-v0.3']); // qwen was the LRU
    const loading = (await app.inject({ method: 'GET', url: '/meridian/loading' })).json() as {
      loading: { model: string; progress: number; remainingMs: number }[];
    };
    expect(loading.loading.map((l) => l.model)).toEqual(['llama-3.1-8b-instruct']);
    expect(loading.loading[0]!.remainingMs).toBeLessThan(161);
    expect((await pending).statusCode).toBe(200);
    expect(engine.memory.ids('resident')).toEqual(['llama-3.1-8b-instruct', 'mistral-7b-instruct-v0.3']);
  });

  it('queues beyond its slots and answers 429 when the queue is full', async () => {
    const { app, engine } = worker({ slots: 1, queueLimit: 1, tokensPerSec: 1000 });
    const long = chat('llama-3.1-8b-instruct', 50); // 50 ms of decoding
    const first = app.inject({ method: 'POST', url: '/v1/chat/completions', payload: long });
    const second = app.inject({ method: 'POST', url: '/v1/chat/completions', payload: long });
    for (let k = 0; k < 1000 && engine.stats().waiting < 1; k++) await new Promise((r) => setTimeout(r, 1));
    expect(engine.stats()).toMatchObject({ running: 1, waiting: 1 });
    const third = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: long });
    expect([third.statusCode, (third.json() as { error: { code: string } }).error.code]).toEqual([
      429,
      'overloaded',
    ]);
    expect((await first).statusCode).toBe(200);
    expect((await second).statusCode).toBe(200);
  });

  it('answers 400 when prompt plus max_tokens exceed the context, and 404 for a model it lacks', async () => {
    const { app } = worker({ contextTokens: 100 });
    const big = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat('llama-3.1-8b-instruct', 200),
    });
    expect([big.statusCode, (big.json() as { error: { code: string } }).error.code]).toEqual([
      400,
      'context_length_exceeded',
    ]);
    const missing = await app.inject({
      method: 'POST',
      url: '/v1/completions',
      payload: { model: 'gpt-2', prompt: 'x' },
    });
    expect(missing.statusCode).toBe(404);
  });

  it('rejects a profile whose always-loaded models do not fit, naming the field', () => {
    expect(() =>
      parseProfile(
        {
          flavor: 'vllm',
          memoryGb: 20,
          models: [{ id: 'llama-3.1-8b-instruct' }, { id: 'qwen2.5-7b-instruct' }],
        },
        'w.yaml',
      ),
    ).toThrow(
      'w.yaml: models: a non-Ollama server keeps all its models need 31.3 GB, more than memoryGb (20)',
    );
  });
});
