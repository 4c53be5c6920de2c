import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { clientLocationOf } from '../geo/client-location.js';
import { rttMs } from '../geo/rtt-model.js';
import type { LatLon } from '../model/common.js';
import type { KeyPair } from '../wire/identity.js';
import { PROOF_PATH, proofAnswer } from '../wire/proof.js';
import { chunk, DONE, fullResponse, type Kind, roleChunk, tokenText, usage } from './completions.js';
import { datasetRoutes, type EmulatedDataset } from './datasets.js';
import { discoveryRoutes } from './discovery.js';
import { NoMemoryError, OverloadedError, sleep, WorkerEngine } from './engine.js';
import { emulatedProfile, type Lie, lieGate, wrongTokenText } from './lies.js';
import { loadRoutes } from './loads.js';
import type { WorkerProfile } from './profile.js';

/**
 * An emulated OpenAI-compatible inference server (`meridian worker --emulate`): queues for a slot, loads
 * the model when it is not resident (evicting LRU idle models), waits the network delay and prefill
 * time, then produces tokens at the profile's rate, streamed as SSE or all at once. The network delay is
 * the profile's, or with `clientRttFrom` the modelled round trip between the request's client (headers
 * the gateway forwards, `geo/client-location.ts`) and the node.
 */

const Body = z.looseObject({
  model: z.string().min(1).max(500),
  stream: z.boolean().nullish(),
  max_tokens: z.number().int().min(1).max(1_000_000).nullish(),
  max_completion_tokens: z.number().int().min(1).max(1_000_000).nullish(),
  messages: z.array(z.looseObject({ content: z.unknown() })).optional(),
  prompt: z.unknown().optional(),
});

function openAiError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply
    .code(status)
    .send({ error: { message, type: status < 500 ? 'invalid_request_error' : 'server_error', code } });
}

function promptChars(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.reduce<number>((s, x) => s + promptChars(x), 0);
  if (v !== null && typeof v === 'object')
    return promptChars(
      (v as { content?: unknown; text?: unknown }).content ?? (v as { text?: unknown }).text,
    );
  return 0;
}

export interface WorkerApp {
  app: FastifyInstance;
  engine: WorkerEngine;
}

export interface WorkerAppOptions {
  /**
   * The node's location: each request is delayed by the RTT model's round trip between its client and
   * here (what the router believes), instead of the profile's fixed `networkDelayMs`; a request that
   * names no client keeps the fixed delay.
   */
  clientRttFrom?: LatLon;
  /**
   * The node key of the agent registering this worker; the worker then answers the coordinator's proof
   * of control at `/meridian/proof` (the emulated worker runs its agent in the same process).
   */
  key?: KeyPair;
  /** The way this worker lies about itself (lies.ts); honest when undefined. */
  lie?: Lie;
  /** Share of its answers a `warm`, `queue`, `output` or `data` liar lies on (default 1: all). */
  lieRate?: number;
  /** Datasets this emulated data node holds; with `key` it answers challenges for their chunks. */
  datasets?: readonly EmulatedDataset[];
}

/** The emulated network delay of one request, ms (before `timeScale`). */
export function networkDelayMs(
  profile: WorkerProfile,
  headers: Record<string, string | string[] | undefined>,
  opts: WorkerAppOptions,
): number {
  if (opts.clientRttFrom === undefined) return profile.networkDelayMs;
  const client = clientLocationOf(headers);
  return client === undefined ? profile.networkDelayMs : rttMs(client, opts.clientRttFrom);
}

export function buildWorkerApp(
  profile: WorkerProfile,
  now: () => number = Date.now,
  opts: WorkerAppOptions = {},
): WorkerApp {
  const engine = new WorkerEngine(emulatedProfile(profile, opts.lie), now);
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024, forceCloseConnections: true });
  app.setErrorHandler((error, _req, reply) => {
    const status =
      typeof (error as { statusCode?: unknown }).statusCode === 'number'
        ? (error as { statusCode: number }).statusCode
        : 500;
    return openAiError(
      reply,
      status >= 400 && status < 600 ? status : 500,
      'bad_request',
      (error as Error).message,
    );
  });
  const lying = lieGate(opts.lieRate ?? 1);
  discoveryRoutes(app, engine, now, opts.lie, lying);
  const textOf = () => (opts.lie === 'output' && lying() ? wrongTokenText : tokenText);
  loadRoutes(app, engine);
  const key = opts.key;
  if (key !== undefined)
    app.get(PROOF_PATH, async (req, reply) => {
      const answer = proofAnswer(key, (req.query as { nonce?: unknown }).nonce);
      return answer ?? openAiError(reply, 400, 'bad_nonce', 'expected nonce: 32 bytes in base64url');
    });
  if (key !== undefined && opts.datasets !== undefined && opts.datasets.length > 0)
    datasetRoutes(app, key, opts.datasets, opts.lie === 'data' ? lying : false);

  const serve = (kind: Kind) => async (req: FastifyRequest, reply: FastifyReply) => {
    const parsed = Body.safeParse(req.body);
    if (!parsed.success)
      return openAiError(reply, 400, 'invalid_request', parsed.error.issues[0]?.message ?? 'bad body');
    const body = parsed.data;
    const model = engine.model(body.model);
    if (model === undefined)
      return openAiError(
        reply,
        404,
        'model_not_found',
        `model ${JSON.stringify(body.model)} is not served here`,
      );
    const inputTokens = Math.ceil(promptChars(kind === 'chat' ? body.messages : body.prompt) / 4);
    const outputTokens = body.max_completion_tokens ?? body.max_tokens ?? profile.defaultMaxTokens;
    if (inputTokens + outputTokens > profile.contextTokens)
      return openAiError(
        reply,
        400,
        'context_length_exceeded',
        `the prompt (${inputTokens} tokens) plus max_tokens (${outputTokens}) exceed the context of ${profile.contextTokens} tokens`,
      );
    const release = await engine.admit().catch((e: unknown) => e as Error);
    if (release instanceof Error) return openAiError(reply, 429, 'overloaded', release.message);
    const started = now();
    let unpin: (() => void) | undefined;
    try {
      unpin = await engine.acquire(model);
      const { prefillMs, perTokenMs } = engine.timing(model, inputTokens);
      await sleep(engine.scaled(networkDelayMs(profile, req.headers, opts)) + prefillMs);
      const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`;
      const created = Math.floor(now() / 1000);
      const text = textOf();
      if (body.stream === true) {
        await streamTokens(reply, kind, id, model.name, created, outputTokens, perTokenMs, text);
      } else {
        await sleep(perTokenMs * outputTokens);
        let answer = '';
        for (let k = 0; k < outputTokens; k++) answer += text(k);
        await reply.send(
          fullResponse(kind, id, model.name, created, answer, usage(inputTokens, outputTokens)),
        );
      }
      engine.finished(inputTokens, outputTokens, now() - started);
      return reply;
    } catch (e) {
      if (e instanceof NoMemoryError) return openAiError(reply, 503, 'no_memory', e.message);
      if (e instanceof OverloadedError) return openAiError(reply, 429, 'overloaded', e.message);
      throw e;
    } finally {
      unpin?.();
      release();
    }
  };

  app.post('/v1/chat/completions', serve('chat'));
  app.post('/v1/completions', serve('completions'));
  return { app, engine };
}

async function streamTokens(
  reply: FastifyReply,
  kind: Kind,
  id: string,
  model: string,
  created: number,
  tokens: number,
  perTokenMs: number,
  text: (k: number) => string,
): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  let closed = false;
  raw.on('close', () => {
    closed = true;
  });
  if (kind === 'chat') raw.write(roleChunk(id, model, created));
  for (let k = 0; k < tokens && !closed; k++) {
    await sleep(perTokenMs);
    raw.write(chunk(kind, id, model, created, text(k)));
  }
  if (!closed) {
    raw.write(chunk(kind, id, model, created, '', 'length'));
    raw.write(DONE);
  }
  raw.end();
}
