import { describe, expect, it } from 'vitest';
import { type AdapterContext, decodeMsPerToken, discover } from './adapters.js';

describe('decodeMsPerToken', () => {
  it('is undefined on the first reading, then Δseconds / Δtokens: 2.0 s for 100 → 3.5 s for 150 tokens = 30 ms', () => {
    const memo: AdapterContext['memo'] = {};
    expect(decodeMsPerToken(memo, 2, 100)).toBeUndefined();
    expect(decodeMsPerToken(memo, 3.5, 150)).toBeCloseTo(30, 9);
  });

  it('is undefined when no token was decoded since, when a counter went back (a restart) or is missing', () => {
    const memo: AdapterContext['memo'] = {};
    decodeMsPerToken(memo, 2, 100);
    expect(decodeMsPerToken(memo, 2, 100)).toBeUndefined();
    expect(decodeMsPerToken(memo, 0.5, 10)).toBeUndefined();
    expect(decodeMsPerToken(memo, 1.0, 30)).toBeCloseTo(25, 9);
    expect(decodeMsPerToken(memo, undefined, 40)).toBeUndefined();
  });
});

/** A backend answering `paths` (text bodies for /metrics), each in turn from its list. */
function backend(paths: Record<string, unknown[]>): AdapterContext {
  const served: Record<string, number> = {};
  return {
    names: new Map(),
    memo: {},
    now: () => 0,
    get: async (path) => {
      const list = paths[path];
      if (list === undefined) return { status: 404, body: undefined };
      const k = served[path] ?? 0;
      served[path] = k + 1;
      return { status: 200, body: list[Math.min(k, list.length - 1)] };
    },
  };
}

describe('backend speed from its own metrics', () => {
  it('vLLM: the time_per_output_token histogram between two readings, 4.2 s over 140 tokens = 30 ms per token', async () => {
    const metrics = (sum: number, count: number) =>
      `vllm:num_requests_running{model_name="m"} 2\nvllm:time_per_output_token_seconds_sum{model_name="m"} ${sum}\nvllm:time_per_output_token_seconds_count{model_name="m"} ${count}\n`;
    const ctx = backend({
      '/v1/models': [{ data: [{ id: 'm' }] }],
      '/metrics': [metrics(1.8, 60), metrics(6.0, 200)],
    });
    expect((await discover('vllm', ctx)).decodeMsPerToken).toBeUndefined();
    const second = await discover('vllm', ctx);
    expect(second.decodeMsPerToken).toBeCloseTo(30, 9);
    expect(second.inFlight).toBe(2);
  });

  it('llama.cpp with --metrics: generation seconds over tokens predicted, 1.5 s over 60 tokens = 25 ms; without /metrics nothing', async () => {
    const metrics = (s: number, n: number) =>
      `llamacpp:tokens_predicted_seconds_total ${s}\nllamacpp:tokens_predicted_total ${n}\n`;
    const props = [{ model_path: '/models/m.gguf', total_slots: 4 }];
    const withMetrics = backend({
      '/props': props,
      '/slots': [[]],
      '/metrics': [metrics(1, 40), metrics(2.5, 100)],
    });
    await discover('llamacpp', withMetrics);
    expect((await discover('llamacpp', withMetrics)).decodeMsPerToken).toBeCloseTo(25, 9);
    const without = backend({ '/props': props, '/slots': [[]] });
    await discover('llamacpp', without);
    expect((await discover('llamacpp', without)).decodeMsPerToken).toBeUndefined();
  });
});

/** A context whose backend answers from a table by path (404 for anything else). */
function ctx(answers: Record<string, unknown>): AdapterContext {
  return {
    names: new Map(),
    memo: {},
    now: () => 0,
    get: async (path) => (path in answers ? { status: 200, body: answers[path] } : { status: 404, body: '' }),
  };
}

describe('discovery of llama.cpp and vLLM model states', () => {
  it('reads a llama.cpp router (role router): loaded → warm, loading → loading, unloaded → localDisk', async () => {
    const state = await discover(
      'llamacpp',
      ctx({
        '/props': { role: 'router' },
        '/models': {
          data: [
            { id: 'qwen3-8b.gguf', status: { value: 'loaded' } },
            { id: 'gemma-2-9b-it', status: { value: 'loading' } },
            { id: 'mistral-7b.gguf', status: { value: 'unloaded' } },
            { id: 'odd', status: { value: 'exploded' } },
          ],
        },
      }),
    );
    expect(state.models.map((m) => [m.id, m.state])).toEqual([
      ['qwen3-8b.gguf', 'warm'],
      ['gemma-2-9b-it', 'loading'],
      ['mistral-7b.gguf', 'localDisk'],
    ]);
  });

  it('reads a single-model llama.cpp server from /props and /slots as before (2 of 4 slots busy)', async () => {
    const state = await discover(
      'llamacpp',
      ctx({
        '/props': { model_path: '/models/qwen3-8b.gguf', total_slots: 4 },
        '/slots': [{ is_processing: true }, { is_processing: true }, { is_processing: false }, {}],
      }),
    );
    expect(state).toMatchObject({ models: [{ id: 'qwen3-8b.gguf', state: 'warm' }], slots: 4, inFlight: 2 });
  });

  it('reports a sleeping vLLM server’s model in host RAM, an awake one (or one without /is_sleeping) warm', async () => {
    const models = { data: [{ id: 'm' }] };
    const asleep = await discover(
      'vllm',
      ctx({ '/v1/models': models, '/is_sleeping': { is_sleeping: true } }),
    );
    const awake = await discover(
      'vllm',
      ctx({ '/v1/models': models, '/is_sleeping': { is_sleeping: false } }),
    );
    const plain = await discover('vllm', ctx({ '/v1/models': models }));
    expect([asleep, awake, plain].map((s) => s.models[0]!.state)).toEqual(['hostRam', 'warm', 'warm']);
  });
});
