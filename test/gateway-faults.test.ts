import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Decide } from '../src/server/decide.js';
import {
  ADMIN,
  beat,
  descriptor,
  register,
  startCoordinator,
  startWorker,
  type TestCoordinator,
  type TestWorker,
} from './server-kit.js';
import { type Misbehaving, MODEL, node } from './support/misbehaving-node.js';

/**
 * Slow and broken nodes fail fast and are counted. Each misbehaving node is a real HTTP server on
 * loopback (the point is what the gateway does with sockets that stall, break or refuse); the gateway
 * runs in process. Bounds are generous for a loaded machine and still far below the old 60 s / 300 s.
 */

const never = () => {};
const headersThenStall = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.flushHeaders();
};
const sse = (text: string) =>
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text } }] })}\n\n`;
/** Two chunks, then the connection is cut (a crash mid-answer). */
const breakAfterTwo = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(sse('one '));
  res.write(sse('two '));
  setTimeout(() => res.destroy(), 50);
};
/** Two chunks, then silence with the connection open. */
const stallAfterTwo = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(sse('one '));
  res.write(sse('two '));
};
/** A 200 whose body is an HTML error page (a proxy in front of the backend, say). */
const htmlPage = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<html>oops</html>');
};
/** A 200 labelled JSON and cut mid-answer (Content-Length matches: the connection itself is fine). */
const cutJson = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"object":"chat.completion","choices":[{"index":0,"message":{"content":"hal');
};
let good: TestWorker;
let c: TestCoordinator | undefined;
const nodes: Misbehaving[] = [];

beforeAll(async () => {
  good = await startWorker();
});
afterAll(async () => {
  await good.close();
});
afterEach(async () => {
  await c?.close();
  c = undefined;
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

async function misbehaving(
  onCompletion: (req: IncomingMessage, res: ServerResponse, n: Misbehaving) => void,
): Promise<Misbehaving> {
  const n = await node(onCompletion);
  nodes.push(n);
  return n;
}

function fixed(order: string[], hedge?: string): Decide {
  return () => ({
    primary: order[0],
    fallbacks: order.slice(1),
    ...(hedge ? { hedge } : {}),
    receipt: { fixed: order },
  });
}

async function fleet(
  list: { id: string; endpoint: string }[],
  opts: Parameters<typeof startCoordinator>[1] = {},
  config: Parameters<typeof startCoordinator>[0] = {},
): Promise<TestCoordinator> {
  const co = await startCoordinator(config, opts);
  for (const n of list) {
    const t = await register(co, descriptor(n.id), n.endpoint);
    expect(await beat(co, t)).toBe(200);
  }
  return co;
}

const chat = (over: Record<string, unknown> = {}) => ({
  model: MODEL,
  messages: [{ role: 'user', content: 'hello there' }],
  max_tokens: 3,
  ...over,
});

interface Receipt {
  status: number;
  node: string | null;
  attempts: { nodeId: string; outcome: string; message?: string; atMs: number; hedge?: boolean }[];
}

async function receipt(co: TestCoordinator, id: unknown): Promise<Receipt> {
  return (await co.app.inject({ method: 'GET', url: `/v1/receipts/${String(id)}` })).json() as Receipt;
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await f();
  return { value, ms: Date.now() - t0 };
}

describe('slow and broken nodes fail fast', () => {
  it('fails over from a node that accepts the connection and never answers within 6 s (default limits), not 60 s', async () => {
    const hang = await misbehaving(never);
    c = await fleet(
      [
        { id: 'hang', endpoint: hang.url },
        { id: 'b', endpoint: good.url },
      ],
      { decide: fixed(['hang', 'b']) },
    );
    const { value: res, ms } = await timed(() =>
      c!.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat() }),
    );
    expect([res.statusCode, res.headers['x-meridian-node']]).toEqual([200, 'b']);
    expect(ms).toBeLessThan(6000);
    const r = await receipt(c, res.headers['x-meridian-receipt']);
    expect(r.attempts.map((a) => [a.nodeId, a.outcome])).toEqual([
      ['hang', 'timeout'],
      ['b', 'ok'],
    ]);
    expect(r.attempts[0]!.message).toMatch(/^no answer within the first-byte limit of [\d,]+ ms$/);
    await expect.poll(() => hang.aborted).toBe(1);
  }, 20_000);

  it('the first-byte limit follows the expected time: 4 × the estimate + 2 s floor for 3 tokens, 4 × more for 2,000 tokens', async () => {
    const hang = await misbehaving(never);
    c = await fleet([{ id: 'hang', endpoint: hang.url }]);
    const co = c.coordinator;
    const view = co.network.currentView();
    const base = {
      model: MODEL,
      client: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
      inputTokens: 3,
      verification: 'none' as const,
      constraints: { requireTee: false, independence: { fallbacks: 0, dimensions: [], hedge: false } },
    };
    const opt = { stream: false, bounded: true, deadlineAt: Number.POSITIVE_INFINITY };
    const short = co.timing.limits(view, { ...base, outputTokens: 3 }, opt, 'hang');
    const long = co.timing.limits(view, { ...base, outputTokens: 2000 }, opt, 'hang');
    // llama-3.1-8b on an H100 decodes in milliseconds per token: 3 tokens are well under a second.
    expect(short.firstByteMs).toBeGreaterThanOrEqual(2000);
    expect(short.firstByteMs).toBeLessThan(3000);
    expect(long.firstByteMs - 2000).toBeGreaterThan(100 * (short.firstByteMs - 2000));
    expect(long.firstByteMs).toBeLessThanOrEqual(60_000);
    // The idle limit between tokens: 4 × decode per token + 2 s floor.
    expect(short.idleMs).toBeGreaterThan(2000);
    expect(short.idleMs).toBeLessThan(2200);
  });

  it('a node that sends headers then stalls: with x-meridian-deadline-ms 500 the client gets 504 within 2 s, not 100 s, and the upstream request is aborted', async () => {
    const stall = await misbehaving(headersThenStall);
    c = await fleet([{ id: 'stall', endpoint: stall.url }], { decide: fixed(['stall']) });
    const { value: res, ms } = await timed(() =>
      c!.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: chat({ stream: true }),
        headers: { 'x-meridian-deadline-ms': '500' },
      }),
    );
    expect(res.statusCode).toBe(504);
    const error = (res.json() as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('deadline_exceeded');
    expect(error.message).toMatch(/^no answer within the deadline of 500 ms/);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(2000);
    await expect.poll(() => stall.aborted).toBe(1);
  }, 20_000);

  it('a non-streamed request to a node that never answers gets 504 by its 800 ms deadline, not after 60 s', async () => {
    const hang = await misbehaving(never);
    c = await fleet([{ id: 'hang', endpoint: hang.url }], { decide: fixed(['hang']) });
    const { value: res, ms } = await timed(() =>
      c!.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: chat(),
        headers: { 'x-meridian-deadline-ms': '800' },
      }),
    );
    expect(res.statusCode).toBe(504);
    expect(ms).toBeLessThan(2500);
    const message = (res.json() as { error: { message: string } }).error.message;
    const r = await receipt(c, /\(receipt ([^;]+);/.exec(message)?.[1]);
    expect(r.status).toBe(504);
    expect(r.attempts.map((a) => [a.nodeId, a.outcome])).toEqual([['hang', 'deadline']]);
    await expect.poll(() => hang.aborted).toBe(1);
  }, 20_000);

  it('a 5 s node with a 1 s deadline: the hedge fires on the very first request (default budget) and the fallback answers within 1 s', async () => {
    const slow = await startWorker({ networkDelayMs: 5000 });
    try {
      c = await fleet(
        [
          { id: 'slow', endpoint: slow.url },
          { id: 'b', endpoint: good.url },
        ],
        { decide: fixed(['slow', 'b'], 'b') },
      );
      const { value: res, ms } = await timed(() =>
        c!.app.inject({
          method: 'POST',
          url: '/v1/chat/completions',
          payload: chat(),
          headers: { 'x-meridian-deadline-ms': '1000' },
        }),
      );
      expect([res.statusCode, res.headers['x-meridian-node']]).toEqual([200, 'b']);
      expect(ms).toBeLessThan(1000);
      const r = await receipt(c, res.headers['x-meridian-receipt']);
      expect(r.attempts).toEqual([expect.objectContaining({ nodeId: 'b', outcome: 'ok', hedge: true })]);
    } finally {
      await c?.close();
      c = undefined;
      await slow.close();
    }
  }, 20_000);

  it('a stream cut after 2 chunks is a failure: error event to the client, receipt status 502 / outcome body, metrics and breaker count it', async () => {
    const broken = await misbehaving(breakAfterTwo);
    c = await fleet(
      [{ id: 'cut', endpoint: broken.url }],
      { decide: fixed(['cut']) },
      { gateway: { breaker: { failures: 1 } } },
    );
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat({ stream: true }),
    });
    expect(res.statusCode).toBe(200);
    const events = res.body.split('\n\n').filter(Boolean);
    expect(events.slice(0, 2)).toEqual([sse('one ').trim(), sse('two ').trim()]);
    const last = JSON.parse(events.at(-1)!.slice(6)) as { error: { code: string; message: string } };
    expect(last.error.code).toBe('upstream_failed');
    expect(last.error.message).toMatch(/^stream broke: /);
    const r = await receipt(c, res.headers['x-meridian-receipt']);
    expect(r.status).toBe(502);
    expect(r.attempts.map((a) => [a.nodeId, a.outcome])).toEqual([['cut', 'body']]);
    const metrics = (
      await c.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${ADMIN}` } })
    ).body;
    expect(metrics).toContain('meridian_requests_total{node="cut",status="502"} 1');
    expect(metrics).toContain('meridian_node_errors_total{node="cut",kind="stream"} 1');
    expect(c.coordinator.breakers.nodeState('cut', Date.now())).toBe('open');
  }, 20_000);

  it('a stream that goes silent after 2 chunks ends with an error event after the idle limit (about 2 s), not 300 s, and counts as a timeout', async () => {
    const stall = await misbehaving(stallAfterTwo);
    c = await fleet([{ id: 'quiet', endpoint: stall.url }], { decide: fixed(['quiet']) });
    const { value: res, ms } = await timed(() =>
      c!.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat({ stream: true }) }),
    );
    expect(res.statusCode).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(6000);
    const last = JSON.parse(res.body.split('\n\n').filter(Boolean).at(-1)!.slice(6)) as {
      error: { message: string };
    };
    expect(last.error.message).toMatch(/^stream broke: stalled: no data for [\d,]+ ms \(idle limit\)$/);
    const r = await receipt(c, res.headers['x-meridian-receipt']);
    expect([r.status, r.attempts[0]!.outcome]).toEqual([502, 'timeout']);
    await expect.poll(() => stall.aborted).toBe(1);
  }, 20_000);

  it('a node that answers probes but hangs completions: a successful probe leaves its breaker half-open; only a real success closes it', async () => {
    let hanging = true;
    const flaky = await misbehaving((req, res) => {
      if (hanging) return;
      // Behaving again: answer like a backend.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ object: 'chat.completion', choices: [{ index: 0, message: { content: 'ok' } }] }),
      );
      void req;
    });
    c = await fleet(
      [
        { id: 'flaky', endpoint: flaky.url },
        { id: 'b', endpoint: good.url },
      ],
      { decide: fixed(['flaky', 'b']) },
      { gateway: { breaker: { failures: 2, cooldownMs: 300 }, timing: { firstByteFloorMs: 200 } } },
    );
    const send = () => c!.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat() });
    for (let k = 0; k < 2; k++) expect((await send()).headers['x-meridian-node']).toBe('b');
    const breakers = c.coordinator.breakers;
    expect(breakers.nodeState('flaky', Date.now())).toBe('open');
    await new Promise((r) => setTimeout(r, 350));
    expect(await c.coordinator.prober.probe('flaky')).toBe(true);
    expect(breakers.nodeState('flaky', Date.now())).toBe('half-open');
    // The trial request still hangs: the breaker opens again, and the client is answered by the fallback.
    expect((await send()).headers['x-meridian-node']).toBe('b');
    expect(breakers.nodeState('flaky', Date.now())).toBe('open');
    hanging = false;
    await new Promise((r) => setTimeout(r, 350));
    expect((await send()).headers['x-meridian-node']).toBe('flaky');
    expect(breakers.nodeState('flaky', Date.now())).toBe('closed');
  }, 20_000);
});

describe('a non-streamed 200 that is not JSON is the node failing', () => {
  it.each([
    ['text/html "<html>oops</html>"', htmlPage, 'content-type text/html: <html>oops</html>'],
    [
      'application/json cut mid-answer',
      cutJson,
      'content-type application/json: {"object":"chat.completion"',
    ],
  ])(
    'a 200 of %s from the only node: 502 upstream_failed naming node "bad" and "not valid JSON"; receipt 502 / outcome body; metrics, breaker and unmet demand count it',
    async (_name, answer, said) => {
      const bad = await misbehaving(answer);
      c = await fleet(
        [{ id: 'bad', endpoint: bad.url }],
        { decide: fixed(['bad']) },
        { gateway: { breaker: { failures: 1 } } },
      );
      const res = await c.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat() });
      expect(res.statusCode).toBe(502);
      const { error } = res.json() as { error: { code: string; message: string } };
      expect(error.code).toBe('upstream_failed');
      expect(error.message).toContain(`bad: body (HTTP 200 but not valid JSON, ${said}`);
      const r = await receipt(c, /\(receipt ([^;]+);/.exec(error.message)?.[1]);
      expect([r.status, r.node]).toEqual([502, null]);
      expect(r.attempts.map((a) => [a.nodeId, a.outcome])).toEqual([['bad', 'body']]);
      const metrics = (
        await c.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${ADMIN}` } })
      ).body;
      expect(metrics).toContain('meridian_requests_total{node="none",status="502"} 1');
      expect(metrics).toContain('meridian_node_errors_total{node="bad",kind="body"} 1');
      expect(c.coordinator.breakers.nodeState('bad', Date.now())).toBe('open');
      const demand = (await c.app.inject({ method: 'GET', url: '/v1/demand?bucket=60&since=0' })).json() as {
        series: { requests: number[]; unmet: number[] }[];
      };
      const sum = (k: 'requests' | 'unmet') => demand.series.flatMap((s) => s[k]).reduce((a, b) => a + b, 0);
      expect([sum('requests'), sum('unmet')]).toEqual([1, 1]);
    },
  );

  it('a 200 of "<html>oops</html>" from the primary fails over as a 5xx does: node "b" answers 200 (2 attempts), receipt bad: body then b: ok', async () => {
    const bad = await misbehaving(htmlPage);
    c = await fleet(
      [
        { id: 'bad', endpoint: bad.url },
        { id: 'b', endpoint: good.url },
      ],
      { decide: fixed(['bad', 'b']) },
    );
    const res = await c.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat() });
    expect([res.statusCode, res.headers['x-meridian-node'], res.headers['x-meridian-attempts']]).toEqual([
      200,
      'b',
      '2',
    ]);
    expect((res.json() as { object: string }).object).toBe('chat.completion');
    expect(bad.hits).toBe(1);
    const r = await receipt(c, res.headers['x-meridian-receipt']);
    expect([r.status, r.node]).toEqual([200, 'b']);
    expect(r.attempts.map((a) => [a.nodeId, a.outcome, a.message])).toEqual([
      ['bad', 'body', 'HTTP 200 but not valid JSON, content-type text/html: <html>oops</html>'],
      ['b', 'ok', undefined],
    ]);
  });

  it('a streamed request is untouched by the check: a node streaming server-sent events still answers 200', async () => {
    const sseNode = await misbehaving((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`${sse('fine')}data: [DONE]\n\n`);
    });
    c = await fleet([{ id: 'sse', endpoint: sseNode.url }], { decide: fixed(['sse']) });
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat({ stream: true }),
    });
    expect([res.statusCode, res.body]).toEqual([200, `${sse('fine')}data: [DONE]\n\n`]);
  });
});
