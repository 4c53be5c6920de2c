import type { ModelReport } from '../wire/protocol.js';
import { catalogId } from './model-names.js';

/**
 * Backend adapters: how the agent learns what an inference server serves and how busy it is, from the
 * endpoints each server already exposes. Every adapter returns the same `BackendState`.
 *
 * - openai (generic): `/v1/models`, every listed model taken as resident.
 * - vllm: `/v1/models` (resident, or in host RAM while `/is_sleeping` says so) and `/metrics` (running,
 *   waiting, generated tokens, time per output token).
 * - ollama: `/api/tags` (on local disk) and `/api/ps` (loaded in memory).
 * - llamacpp: `/props` (the model file, slot count), `/slots` (busy slots) and, when the server runs with
 *   `--metrics`, `/metrics` (time spent generating and tokens generated); in router mode (`/props`
 *   says `role: router`) `/models`, each model with its status (loaded, loading, unloaded on disk).
 * All of them also read `/meridian/loading` when the backend offers it (the emulator does): models being
 * loaded, with progress.
 */

export const BACKEND_KINDS = ['openai', 'vllm', 'ollama', 'llamacpp'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

export interface BackendState {
  models: ModelReport[];
  slots?: number;
  inFlight: number;
  queue: number;
  tokensPerSec?: number;
  /**
   * Mean time per output token of the requests decoded since the previous reading, ms, as the backend
   * measured it (vLLM's `time_per_output_token_seconds` histogram, llama.cpp's generation counters).
   */
  decodeMsPerToken?: number;
}

/** GET a path of the backend: status and parsed body (JSON, or text for `text: true`). */
export type Getter = (path: string, text?: boolean) => Promise<{ status: number; body: unknown }>;

export interface AdapterContext {
  get: Getter;
  names: ReadonlyMap<string, string>;
  /** Adapter-private memory between calls (counters of the previous reading, for rates). */
  memo: { tokensTotal?: number; at?: number; decodeSeconds?: number; decodeTokens?: number };
  now: () => number;
}

function report(name: string, state: ModelReport['state'], ctx: AdapterContext): ModelReport {
  const id = catalogId(name, ctx.names);
  return id === name ? { id, state } : { id, state, servedAs: name };
}

async function json<T>(ctx: AdapterContext, path: string): Promise<T | undefined> {
  const res = await ctx.get(path);
  return res.status === 200 ? (res.body as T) : undefined;
}

async function openAiModels(ctx: AdapterContext): Promise<string[]> {
  const list = await json<{ data?: { id?: unknown }[] }>(ctx, '/v1/models');
  if (list === undefined) throw new Error('GET /v1/models failed');
  return (list.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
}

/** Sum of a Prometheus metric's samples (any labels) in `text`, or undefined when absent. */
export function promSum(text: string, name: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith('{') || rest.startsWith(' '))) continue;
    const v = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(v)) sum = (sum ?? 0) + v;
  }
  return sum;
}

/**
 * Mean ms per output token between the previous reading of two cumulative counters (seconds spent
 * decoding, tokens decoded) and this one, which it stores in `memo`. Undefined on the first reading, when
 * no token was decoded since, or when a counter went back (the backend restarted).
 */
export function decodeMsPerToken(
  memo: AdapterContext['memo'],
  seconds: number | undefined,
  tokens: number | undefined,
): number | undefined {
  if (seconds === undefined || tokens === undefined) return undefined;
  const { decodeSeconds: s0, decodeTokens: t0 } = memo;
  memo.decodeSeconds = seconds;
  memo.decodeTokens = tokens;
  if (s0 === undefined || t0 === undefined || !(tokens > t0) || seconds < s0) return undefined;
  return ((seconds - s0) * 1000) / (tokens - t0);
}

async function promText(ctx: AdapterContext): Promise<string> {
  const res = await ctx.get('/metrics', true);
  return res.status === 200 && typeof res.body === 'string' ? res.body : '';
}

const ADAPTERS: Record<BackendKind, (ctx: AdapterContext) => Promise<BackendState>> = {
  async openai(ctx) {
    const names = await openAiModels(ctx);
    return { models: names.map((n) => report(n, 'warm', ctx)), inFlight: 0, queue: 0 };
  },

  async vllm(ctx) {
    const names = await openAiModels(ctx);
    const sleep = await json<{ is_sleeping?: unknown }>(ctx, '/is_sleeping').catch(() => undefined);
    const state = sleep?.is_sleeping === true ? 'hostRam' : 'warm';
    const text = await promText(ctx);
    const running = promSum(text, 'vllm:num_requests_running') ?? 0;
    const waiting = promSum(text, 'vllm:num_requests_waiting') ?? 0;
    const total = promSum(text, 'vllm:generation_tokens_total');
    const now = ctx.now();
    let tokensPerSec: number | undefined;
    if (
      total !== undefined &&
      ctx.memo.tokensTotal !== undefined &&
      ctx.memo.at !== undefined &&
      now > ctx.memo.at
    )
      tokensPerSec = Math.max(0, ((total - ctx.memo.tokensTotal) * 1000) / (now - ctx.memo.at));
    if (total !== undefined) {
      ctx.memo.tokensTotal = total;
      ctx.memo.at = now;
    }
    const perToken = decodeMsPerToken(
      ctx.memo,
      promSum(text, 'vllm:time_per_output_token_seconds_sum'),
      promSum(text, 'vllm:time_per_output_token_seconds_count'),
    );
    return {
      models: names.map((n) => report(n, state, ctx)),
      inFlight: running,
      queue: waiting,
      ...(tokensPerSec === undefined ? {} : { tokensPerSec }),
      ...(perToken === undefined ? {} : { decodeMsPerToken: perToken }),
    };
  },

  async ollama(ctx) {
    type List = { models?: { name?: unknown }[] };
    const tags = await json<List>(ctx, '/api/tags');
    if (tags === undefined) throw new Error('GET /api/tags failed');
    const ps = (await json<List>(ctx, '/api/ps')) ?? {};
    const names = (l: List) =>
      (l.models ?? []).map((m) => m.name).filter((n): n is string => typeof n === 'string');
    const loaded = new Set(names(ps));
    const all = [...new Set([...names(tags), ...loaded])];
    return {
      models: all.map((n) => report(n, loaded.has(n) ? 'warm' : 'localDisk', ctx)),
      inFlight: 0,
      queue: 0,
    };
  },

  async llamacpp(ctx) {
    const props = await json<{ model_path?: unknown; total_slots?: unknown; role?: unknown }>(ctx, '/props');
    if (props === undefined) throw new Error('GET /props failed');
    if (props.role === 'router') return llamacppRouter(ctx);
    const path = typeof props.model_path === 'string' ? props.model_path : 'model';
    const name = path.split('/').pop() ?? path;
    const slots = (await json<{ is_processing?: unknown }[]>(ctx, '/slots')) ?? [];
    const busy = Array.isArray(slots) ? slots.filter((s) => s.is_processing === true).length : 0;
    const text = await promText(ctx).catch(() => '');
    const perToken = decodeMsPerToken(
      ctx.memo,
      promSum(text, 'llamacpp:tokens_predicted_seconds_total'),
      promSum(text, 'llamacpp:tokens_predicted_total'),
    );
    return {
      models: [report(name, 'warm', ctx)],
      ...(typeof props.total_slots === 'number' ? { slots: props.total_slots } : {}),
      inFlight: busy,
      queue: 0,
      ...(perToken === undefined ? {} : { decodeMsPerToken: perToken }),
    };
  },
};

const ROUTER_STATES: Record<string, ModelReport['state']> = {
  loaded: 'warm',
  loading: 'loading',
  unloaded: 'localDisk',
};

/** A llama.cpp server in router mode: `/models` lists every model it can run with its status. */
async function llamacppRouter(ctx: AdapterContext): Promise<BackendState> {
  const list = await json<{ data?: { id?: unknown; status?: { value?: unknown } }[] }>(ctx, '/models');
  if (list === undefined) throw new Error('GET /models failed');
  const models: ModelReport[] = [];
  for (const m of list.data ?? []) {
    const state = typeof m.status?.value === 'string' ? ROUTER_STATES[m.status.value] : undefined;
    if (typeof m.id === 'string' && state !== undefined) models.push(report(m.id, state, ctx));
  }
  return { models, inFlight: 0, queue: 0 };
}

/** Discovers the backend's state with the adapter for `kind`, plus the optional loading extension. */
export async function discover(kind: BackendKind, ctx: AdapterContext): Promise<BackendState> {
  const state = await ADAPTERS[kind](ctx);
  const ext = await json<{ loading?: { model?: unknown; progress?: unknown; remainingMs?: unknown }[] }>(
    ctx,
    '/meridian/loading',
  ).catch(() => undefined);
  for (const l of ext?.loading ?? []) {
    if (typeof l.model !== 'string') continue;
    const r = report(l.model, 'loading', ctx);
    if (typeof l.progress === 'number') r.progress = Math.min(1, Math.max(0, l.progress));
    if (typeof l.remainingMs === 'number') r.remainingMs = Math.max(0, l.remainingMs);
    const i = state.models.findIndex((m) => m.id === r.id);
    if (i >= 0) state.models[i] = r;
    else state.models.push(r);
  }
  return state;
}
