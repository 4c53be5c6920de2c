import type { FastifyInstance } from 'fastify';
import type { EngineStats, WorkerEngine } from './engine.js';
import type { Lie } from './lies.js';

/**
 * The discovery endpoints real servers expose, so an agent treats the emulator like the real thing:
 * vLLM `/metrics` (Prometheus), Ollama `/api/tags` and `/api/ps`, llama.cpp `/props` and `/slots`. Every
 * flavor also answers `/v1/models`, `/health` and the optional `/meridian/loading` extension.
 */
export function discoveryRoutes(
  app: FastifyInstance,
  engine: WorkerEngine,
  now: () => number,
  lie?: Lie,
  lying: () => boolean = () => true,
): void {
  const p = engine.profile;
  // A queue liar shows idle slots; a warm liar shows every model it serves as loaded (on the answers
  // `lying` picks).
  const stats = (): EngineStats =>
    lie === 'queue' && lying() ? { ...engine.stats(), running: 0, waiting: 0 } : engine.stats();
  const resident = (): string[] =>
    lie === 'warm' && lying() ? engine.models.map((m) => m.id) : engine.memory.ids('resident');
  const created = Math.floor(now() / 1000);

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/v1/models', async () => ({
    object: 'list',
    data: engine.models.map((m) => ({ id: m.name, object: 'model', created, owned_by: 'emulator' })),
  }));

  /** Models loading into accelerator memory, with progress (not part of any real server's API). */
  app.get('/meridian/loading', async () => ({
    loading: engine.memory.ids('loading').map((id) => {
      const l = engine.memory.loading(id, now())!;
      return {
        model: engine.models.find((m) => m.id === id)?.name ?? id,
        progress: l.progress,
        remainingMs: l.remainingMs,
      };
    }),
  }));

  if (p.flavor === 'vllm') {
    app.get('/metrics', async (_req, reply) => {
      const s = stats();
      const lines: string[] = [];
      // vLLM labels its gauges by model; the engine's counts are the server's, so they go on the first model.
      engine.models.forEach((m, k) => {
        const l = `{model_name="${m.name}"}`;
        lines.push(`vllm:num_requests_running${l} ${k === 0 ? s.running : 0}`);
        lines.push(`vllm:num_requests_waiting${l} ${k === 0 ? s.waiting : 0}`);
        lines.push(`vllm:gpu_cache_usage_perc${l} ${Math.min(1, s.running / s.slots)}`);
      });
      lines.push(`vllm:prompt_tokens_total ${s.promptTokensTotal}`);
      lines.push(`vllm:generation_tokens_total ${s.generationTokensTotal}`);
      lines.push(`vllm:request_success_total ${s.requestsTotal}`);
      lines.push(`vllm:num_gpu_blocks ${p.slots}`);
      return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
    });
  }

  if (p.flavor === 'ollama') {
    const size = (gb: number) => Math.round(gb * 1e9);
    app.get('/api/tags', async () => ({
      models: engine.models.map((m) => ({
        name: m.name,
        model: m.name,
        size: size(m.weightsGb),
        details: {},
      })),
    }));
    app.get('/api/ps', async () => ({
      models: resident().map((id) => {
        const m = engine.models.find((x) => x.id === id)!;
        return { name: m.name, model: m.name, size: size(m.weightsGb), size_vram: size(m.weightsGb) };
      }),
    }));
  }

  if (p.flavor === 'llamacpp') {
    const model = engine.models[0]!;
    app.get('/props', async () => ({
      model_path: `/models/${model.name.endsWith('.gguf') ? model.name : `${model.name}.gguf`}`,
      total_slots: p.slots,
      default_generation_settings: { n_ctx: 8192 },
    }));
    app.get('/slots', async () => {
      const s = stats();
      return Array.from({ length: p.slots }, (_, id) => ({ id, is_processing: id < s.running }));
    });
  }
}
