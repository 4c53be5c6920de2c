import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { NoMemoryError, type WorkerEngine } from './engine.js';
import type { ResolvedModel } from './profile.js';

/**
 * Loading and unloading on command, as the real servers offer it (the agent's commands, agent/commands.ts):
 *
 * - every flavor: `POST /meridian/load` and `POST /meridian/unload` with `{model}` (not part of any real
 *   server's API; what a generic OpenAI-compatible server behind the agent would need);
 * - ollama: `POST /api/generate` without a prompt: `keep_alive: 0` unloads, any other value loads;
 * - vllm: `POST /sleep` unloads every idle model (weights in host RAM, `GET /is_sleeping` true), `POST
 *   /wake_up` loads them all again.
 * A load takes the profile's load time (weights ÷ loadGBps × timeScale) and evicts LRU idle models; a
 * model that cannot fit answers 503 (a load waits first for models unloaded while serving, which go when
 * their last request ends, as Ollama's do), an unload of a model still loading 409.
 */

const ModelBody = z.looseObject({ model: z.string().min(1).max(500) });

function fail(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { message, type: 'invalid_request_error', code } });
}

export function loadRoutes(app: FastifyInstance, engine: WorkerEngine): void {
  /** Loads or unloads the named model; the reply is already sent on a refusal (undefined returned). */
  const act = async (
    reply: FastifyReply,
    body: unknown,
    unload: boolean,
  ): Promise<ResolvedModel | undefined> => {
    const parsed = ModelBody.safeParse(body);
    if (!parsed.success) {
      fail(reply, 400, 'invalid_request', 'expected {"model": NAME}');
      return undefined;
    }
    const model = engine.model(parsed.data.model);
    if (model === undefined) {
      fail(reply, 404, 'model_not_found', `model ${JSON.stringify(parsed.data.model)} is not served here`);
      return undefined;
    }
    if (unload) {
      if (!engine.unload(model)) {
        fail(reply, 409, 'model_busy', `${model.id} is still loading`);
        return undefined;
      }
      return model;
    }
    try {
      engine.keep(model);
      await engine.load(model);
      return model;
    } catch (e) {
      if (e instanceof NoMemoryError) fail(reply, 503, 'no_memory', e.message);
      else throw e;
      return undefined;
    }
  };

  app.post('/meridian/load', async (req, reply) => {
    const m = await act(reply, req.body, false);
    return m === undefined ? reply : { model: m.name, state: 'resident' };
  });
  app.post('/meridian/unload', async (req, reply) => {
    const m = await act(reply, req.body, true);
    return m === undefined ? reply : { model: m.name, state: 'absent' };
  });

  const flavor = engine.profile.flavor;
  if (flavor === 'ollama')
    app.post('/api/generate', async (req, reply) => {
      const body = (req.body ?? {}) as { prompt?: unknown; keep_alive?: unknown };
      if (typeof body.prompt === 'string' && body.prompt !== '')
        return fail(
          reply,
          400,
          'invalid_request',
          'the emulator answers /api/generate only to load or unload (no prompt)',
        );
      const unload = body.keep_alive === 0 || body.keep_alive === '0' || body.keep_alive === '0s';
      const m = await act(reply, req.body, unload);
      if (m === undefined) return reply;
      return {
        model: m.name,
        created_at: new Date().toISOString(),
        response: '',
        done: true,
        done_reason: unload ? 'unload' : 'load',
      };
    });

  if (flavor === 'vllm') {
    app.get('/is_sleeping', async () => ({ is_sleeping: engine.sleeping }));
    app.post('/sleep', async (_req, reply) => {
      // vLLM sleeps the whole server: refused while any model serves or loads, nothing left leaving.
      const busy = engine.models.filter((m) => engine.memory.inUse(m.id));
      if (busy.length > 0)
        return fail(
          reply,
          409,
          'model_busy',
          `${busy.map((m) => m.id).join(', ')} serving requests or loading`,
        );
      for (const m of engine.models) engine.unload(m);
      engine.sleeping = true;
      return reply.code(200).send();
    });
    app.post('/wake_up', async (_req, reply) => {
      try {
        for (const m of engine.models) await engine.load(m);
      } catch (e) {
        if (e instanceof NoMemoryError) return fail(reply, 503, 'no_memory', e.message);
        throw e;
      }
      return reply.code(200).send();
    });
  }
}
