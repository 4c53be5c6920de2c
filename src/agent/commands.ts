import type { CommandAckInput, WarmCommand } from '../wire/protocol.js';
import type { BackendKind } from './adapters.js';

/**
 * How the agent carries out the coordinator's warm-set commands on each kind of backend, with the
 * endpoints each server already has:
 *
 * - ollama: load = `POST /api/generate {model, keep_alive: -1}` (no prompt: loads and keeps it until told),
 *   unload = `POST /api/generate {model, keep_alive: 0}`.
 * - vllm: one model per server, with sleep mode (`--enable-sleep-mode`, dev endpoints on): load =
 *   `POST /wake_up`, unload = `POST /sleep?level=1` (weights kept in host RAM). A server that does not
 *   serve the model, serves several (sleep is for the whole server), or lacks the endpoints: unsupported.
 * - llamacpp: router mode only: load = `POST /models/load {model}`, unload = `POST /models/unload {model}`;
 *   a single-model server (no such route) answers unsupported.
 * - openai: no standard API; `POST /meridian/load|unload {model}` when the server offers it (the
 *   emulated worker does), else unsupported.
 */

/** POST to the backend: status and body text. */
export type Poster = (path: string, body?: unknown) => Promise<{ status: number; body: string }>;

export interface CommandContext {
  post: Poster;
  get: (path: string) => Promise<{ status: number; body: unknown }>;
  now: () => number;
}

type Result = Omit<CommandAckInput, 'id'>;
type Handler = (cmd: WarmCommand, ctx: CommandContext) => Promise<Result>;

const unsupported = (detail: string): Result => ({ status: 'unsupported', detail });

/** The answer to a POST: done on 2xx, unsupported when the route does not exist, else failed. */
function answer(res: { status: number; body: string }, what: string, missing: string): Result {
  if (res.status >= 200 && res.status < 300) return { status: 'done', detail: what };
  if (res.status === 404 || res.status === 405) return unsupported(missing);
  return { status: 'failed', detail: `HTTP ${res.status}: ${res.body.slice(0, 200)}` };
}

/** The models a vLLM server lists (empty when it does not answer). */
async function vllmModels(ctx: CommandContext): Promise<unknown[]> {
  const res = await ctx.get('/v1/models');
  const data = (res.body as { data?: { id?: unknown }[] } | undefined)?.data;
  return res.status === 200 && Array.isArray(data) ? data.map((m) => m.id) : [];
}

/** What a done load or unload of the command's model says. */
const did = (cmd: WarmCommand) => `${cmd.kind === 'load' ? 'loaded' : 'unloaded'} ${cmd.name}`;

/** A backend whose load and unload are `POST path(kind) {model}`; `missing` says why a 404 is unsupported. */
function postModel(path: (kind: WarmCommand['kind']) => string, missing: string): Handler {
  return async (cmd, ctx) => answer(await ctx.post(path(cmd.kind), { model: cmd.name }), did(cmd), missing);
}

const HANDLERS: Record<BackendKind, Handler> = {
  async ollama(cmd, ctx) {
    const keep = cmd.kind === 'load' ? -1 : 0;
    const res = await ctx.post('/api/generate', { model: cmd.name, keep_alive: keep });
    return answer(res, did(cmd), 'no /api/generate');
  },

  async vllm(cmd, ctx) {
    const served = await vllmModels(ctx);
    if (!served.includes(cmd.name))
      return unsupported(`this vLLM server does not serve ${cmd.name}; it sleeps and wakes as a whole`);
    if (served.length > 1)
      return unsupported(`this vLLM server serves ${served.length} models; sleep would unload all of them`);
    const res = await ctx.post(cmd.kind === 'load' ? '/wake_up' : '/sleep?level=1');
    return answer(
      res,
      cmd.kind === 'load' ? 'woke up' : 'asleep (level 1: weights in host RAM)',
      'no sleep mode (start vLLM with --enable-sleep-mode and VLLM_SERVER_DEV_MODE=1)',
    );
  },

  llamacpp: postModel((kind) => `/models/${kind}`, 'llama.cpp server not in router mode'),

  openai: postModel((kind) => `/meridian/${kind}`, 'an OpenAI-compatible server has no load or unload API'),
};

/** Carries out one command; never throws (a backend that cannot be reached is a failed command). */
export async function carryOut(
  kind: BackendKind,
  cmd: WarmCommand,
  ctx: CommandContext,
): Promise<CommandAckInput> {
  const t0 = ctx.now();
  try {
    const r = await HANDLERS[kind](cmd, ctx);
    const took = r.status === 'done' ? ` in ${((ctx.now() - t0) / 1000).toFixed(1)} s` : '';
    return { id: cmd.id, status: r.status, detail: `${r.detail ?? ''}${took}`.slice(0, 500) };
  } catch (e) {
    return {
      id: cmd.id,
      status: 'failed',
      detail: `backend unreachable: ${(e as Error).message}`.slice(0, 500),
    };
  }
}
