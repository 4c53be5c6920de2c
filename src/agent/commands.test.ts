import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { WarmCommand } from '../wire/protocol.js';
import type { BackendKind } from './adapters.js';
import { type CommandContext, carryOut } from './commands.js';

/** A fake backend on a loopback socket: records each request and answers from a table by "METHOD path". */
interface Seen {
  method: string;
  path: string;
  body: unknown;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function fakeBackend(
  answers: Record<string, [number, unknown]>,
): Promise<{ ctx: CommandContext; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, path: req.url!, body: text === '' ? undefined : JSON.parse(text) });
      const [status, body] = answers[`${req.method} ${req.url}`] ?? [404, { error: 'no route' }];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  const ctx: CommandContext = {
    now: () => 0,
    get: async (path) => {
      const res = await request(base + path);
      const text = await res.body.text();
      return { status: res.statusCode, body: res.statusCode === 200 ? (JSON.parse(text) as unknown) : text };
    },
    post: async (path, body) => {
      const res = await request(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      return { status: res.statusCode, body: await res.body.text() };
    },
  };
  return { ctx, seen };
}

const cmd = (kind: 'load' | 'unload', name: string): WarmCommand => ({
  id: 'c1',
  kind,
  model: 'llama-3.1-8b',
  name,
});

describe('carrying out warm-set commands on each backend (exact requests against a fake server)', () => {
  it('ollama: load is POST /api/generate {model, keep_alive: -1}, unload the same with keep_alive 0', async () => {
    const { ctx, seen } = await fakeBackend({ 'POST /api/generate': [200, { done: true }] });
    expect(await carryOut('ollama', cmd('load', 'llama3.1:8b'), ctx)).toEqual({
      id: 'c1',
      status: 'done',
      detail: 'loaded llama3.1:8b in 0.0 s',
    });
    expect((await carryOut('ollama', cmd('unload', 'llama3.1:8b'), ctx)).status).toBe('done');
    expect(seen).toEqual([
      { method: 'POST', path: '/api/generate', body: { model: 'llama3.1:8b', keep_alive: -1 } },
      { method: 'POST', path: '/api/generate', body: { model: 'llama3.1:8b', keep_alive: 0 } },
    ]);
  });

  it('vllm: checks /v1/models serves the model, then POST /wake_up to load and POST /sleep?level=1 to unload', async () => {
    const { ctx, seen } = await fakeBackend({
      'GET /v1/models': [200, { data: [{ id: 'meta-llama/Llama-3.1-8B-Instruct' }] }],
      'POST /wake_up': [200, {}],
      'POST /sleep?level=1': [200, {}],
    });
    expect((await carryOut('vllm', cmd('load', 'meta-llama/Llama-3.1-8B-Instruct'), ctx)).status).toBe(
      'done',
    );
    expect((await carryOut('vllm', cmd('unload', 'meta-llama/Llama-3.1-8B-Instruct'), ctx)).detail).toBe(
      'asleep (level 1: weights in host RAM) in 0.0 s',
    );
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /v1/models',
      'POST /wake_up',
      'GET /v1/models',
      'POST /sleep?level=1',
    ]);
  });

  it('vllm: a model the server does not serve is unsupported (no request but the listing), and a server without sleep mode (404) too', async () => {
    const { ctx, seen } = await fakeBackend({ 'GET /v1/models': [200, { data: [{ id: 'qwen' }] }] });
    const other = await carryOut('vllm', cmd('load', 'llama'), ctx);
    expect(other.status).toBe('unsupported');
    expect(other.detail).toMatch(/does not serve llama/);
    const noSleep = await carryOut('vllm', cmd('unload', 'qwen'), ctx);
    expect(noSleep).toMatchObject({
      status: 'unsupported',
      detail: expect.stringMatching(/--enable-sleep-mode/),
    });
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /v1/models',
      'GET /v1/models',
      'POST /sleep?level=1',
    ]);
  });

  it('vllm: a server listing two models is unsupported (sleep would unload both), and nothing is posted', async () => {
    const { ctx, seen } = await fakeBackend({
      'GET /v1/models': [200, { data: [{ id: 'a' }, { id: 'b' }] }],
    });
    expect(await carryOut('vllm', cmd('unload', 'a'), ctx)).toEqual({
      id: 'c1',
      status: 'unsupported',
      detail: 'this vLLM server serves 2 models; sleep would unload all of them',
    });
    expect(seen.map((s) => s.method)).toEqual(['GET']);
  });

  it('llamacpp: router mode gets POST /models/load|unload {model}; a single-model server (404) answers unsupported', async () => {
    const router = await fakeBackend({
      'POST /models/load': [200, { success: true }],
      'POST /models/unload': [200, {}],
    });
    expect((await carryOut('llamacpp', cmd('load', 'qwen3-8b.gguf'), router.ctx)).status).toBe('done');
    expect((await carryOut('llamacpp', cmd('unload', 'qwen3-8b.gguf'), router.ctx)).status).toBe('done');
    expect(router.seen).toEqual([
      { method: 'POST', path: '/models/load', body: { model: 'qwen3-8b.gguf' } },
      { method: 'POST', path: '/models/unload', body: { model: 'qwen3-8b.gguf' } },
    ]);
    await new Promise<void>((r) => server!.close(() => r()));
    const single = await fakeBackend({});
    expect(await carryOut('llamacpp', cmd('load', 'qwen3-8b.gguf'), single.ctx)).toEqual({
      id: 'c1',
      status: 'unsupported',
      detail: 'llama.cpp server not in router mode',
    });
  });

  it('openai: POST /meridian/load {model} when offered, else unsupported; a 503 is failed with the body', async () => {
    const { ctx, seen } = await fakeBackend({ 'POST /meridian/load': [503, { error: 'no_memory' }] });
    expect(await carryOut('openai', cmd('load', 'm'), ctx)).toEqual({
      id: 'c1',
      status: 'failed',
      detail: 'HTTP 503: {"error":"no_memory"}',
    });
    expect((await carryOut('openai', cmd('unload', 'm'), ctx)).status).toBe('unsupported');
    expect(seen.map((s) => [s.path, s.body])).toEqual([
      ['/meridian/load', { model: 'm' }],
      ['/meridian/unload', { model: 'm' }],
    ]);
  });

  it('answers failed, never throws, when the backend cannot be reached', async () => {
    const { ctx } = await fakeBackend({});
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    for (const kind of ['ollama', 'vllm', 'llamacpp', 'openai'] as BackendKind[]) {
      const ack = await carryOut(kind, cmd('load', 'm'), ctx);
      expect(ack.status).toBe('failed');
      expect(ack.detail).toMatch(/^backend unreachable/);
    }
  });
});
