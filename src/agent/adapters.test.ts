import { describe, expect, it } from 'vitest';
import { type AdapterContext, discover } from './adapters.js';

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
