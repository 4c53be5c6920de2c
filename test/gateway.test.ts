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

const MODEL = 'llama-3.1-8b-instruct';
/** A loopback port with nothing listening (connections are refused at once). */
const DEAD = 'http://127.0.0.1:9';
/** Another port where nothing listens (one endpoint serves one node). */
const DEAD2 = 'http://127.0.0.1:19';

let fast: TestWorker;
let slow: TestWorker;
let c: TestCoordinator | undefined;

beforeAll(async () => {
  fast = await startWorker();
  slow = await startWorker({ networkDelayMs: 400 });
});
afterAll(async () => {
  await fast.close();
  await slow.close();
});
afterEach(async () => {
  await c?.close();
  c = undefined;
});

/** A decision function that always returns the given order (tests the gateway apart from the router). */
function fixed(order: string[], hedge?: string): Decide {
  return () => ({
    primary: order[0],
    fallbacks: order.slice(1),
    ...(hedge ? { hedge } : {}),
    receipt: { fixed: order },
  });
}

async function fleet(
  nodes: { id: string; endpoint: string; labels?: Record<string, unknown> }[],
  opts: Parameters<typeof startCoordinator>[1] = {},
  config: Parameters<typeof startCoordinator>[0] = {},
): Promise<TestCoordinator> {
  const co = await startCoordinator(config, opts);
  for (const n of nodes) {
    const t = await register(co, descriptor(n.id, n.labels ? { labels: n.labels } : {}), n.endpoint);
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

describe('OpenAI-compatible gateway', () => {
  it('lists served models with their warm replica count', async () => {
    c = await fleet([
      { id: 'a', endpoint: fast.url },
      { id: 'b', endpoint: slow.url },
    ]);
    const res = await c.app.inject({ method: 'GET', url: '/v1/models' });
    expect(res.json()).toEqual({
      object: 'list',
      data: [
        {
          id: MODEL,
          object: 'model',
          created: 0,
          owned_by: 'meridian',
          warm_replicas: 2,
          loading_replicas: 0,
          nodes: 2,
        },
      ],
    });
  });

  it('proxies a chat completion and names the node and the receipt in headers', async () => {
    c = await fleet([{ id: 'a', endpoint: fast.url }]);
    const res = await c.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-meridian-node']).toBe('a');
    const body = res.json() as {
      choices: { message: { content: string } }[];
      usage: { completion_tokens: number };
    };
    expect(body.choices[0]!.message.content).toBe('w0 w1 w2 ');
    expect(body.usage.completion_tokens).toBe(3);
    const receipt = await c.app.inject({
      method: 'GET',
      url: `/v1/receipts/${res.headers['x-meridian-receipt']}`,
    });
    expect(receipt.json()).toMatchObject({
      node: 'a',
      status: 200,
      request: { model: MODEL, outputTokens: 3, inputTokens: 3 },
    });
  });

  it('streams a completion as server-sent events ending with [DONE]', async () => {
    c = await fleet([{ id: 'a', endpoint: fast.url }]);
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/completions',
      payload: { model: MODEL, prompt: 'once upon', max_tokens: 2, stream: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    const events = res.body.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const texts = events
      .slice(0, -1)
      .map((e) => (JSON.parse(e.slice(6)) as { choices: { text: string }[] }).choices[0]!.text);
    expect(texts.join('')).toBe('w0 w1 ');
  });

  it('answers 404 for an unknown model, listing the served models', async () => {
    c = await fleet([{ id: 'a', endpoint: fast.url }]);
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat({ model: 'gpt-9' }),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: {
        code: 'model_not_found',
        message: `model "gpt-9" is not served here; served models: ${MODEL}`,
        served: [MODEL],
      },
    });
  });

  it('fails over to the next fallback when the primary refuses connections', async () => {
    c = await fleet(
      [
        { id: 'dead', endpoint: DEAD },
        { id: 'b', endpoint: fast.url },
      ],
      { decide: fixed(['dead', 'b']) },
    );
    const res = await c.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat() });
    expect([res.statusCode, res.headers['x-meridian-node'], res.headers['x-meridian-attempts']]).toEqual([
      200,
      'b',
      '2',
    ]);
    const receipt = (
      await c.app.inject({ method: 'GET', url: `/v1/receipts/${res.headers['x-meridian-receipt']}` })
    ).json() as {
      attempts: { nodeId: string; outcome: string }[];
    };
    expect(receipt.attempts.map((a) => [a.nodeId, a.outcome])).toEqual([
      ['dead', 'connect'],
      ['b', 'ok'],
    ]);
  });

  it('opens a node breaker after 3 failures and then skips the node', async () => {
    c = await fleet(
      [
        { id: 'dead', endpoint: DEAD },
        { id: 'b', endpoint: fast.url },
      ],
      { decide: fixed(['dead', 'b']) },
    );
    for (let k = 0; k < 3; k++)
      await c.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat() });
    const res = await c.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat() });
    const receipt = (
      await c.app.inject({ method: 'GET', url: `/v1/receipts/${res.headers['x-meridian-receipt']}` })
    ).json() as {
      attempts: { nodeId: string; outcome: string; message?: string }[];
    };
    expect(receipt.attempts.map((a) => [a.nodeId, a.outcome, a.message ?? ''])).toEqual([
      ['dead', 'skipped', 'node breaker open'],
      ['b', 'ok', ''],
    ]);
    const metrics = (
      await c.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${ADMIN}` } })
    ).body;
    expect(metrics).toContain('meridian_breaker_state{scope="node",name="dead"} 2');
  });

  it('stops failing over among nodes sharing a failing upstream and says so', async () => {
    const acme = { upstream: 'acme' };
    c = await fleet(
      [
        { id: 'a1', endpoint: DEAD, labels: acme },
        { id: 'a2', endpoint: DEAD2, labels: acme },
        { id: 'a3', endpoint: fast.url, labels: acme },
      ],
      { decide: fixed(['a1', 'a2', 'a3']) },
      { gateway: { breaker: { domainFailures: 2 } } },
    );
    const res = await c.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat() });
    expect(res.statusCode).toBe(503);
    const error = (res.json() as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('domain_open');
    expect(error.message).toMatch(
      /^every node sharing upstream=acme is failing; stopped failing over among them/,
    );
    expect(error.message).toContain('a3: skipped (shared domain upstream=acme failing)');
  });

  it('sends a hedge copy to the first fallback for a tight deadline and takes the first answer', async () => {
    c = await fleet(
      [
        { id: 'slow', endpoint: slow.url },
        { id: 'b', endpoint: fast.url },
      ],
      { decide: fixed(['slow', 'b'], 'b') },
      { gateway: { hedge: { maxRate: 1, delayMs: 20 } } },
    );
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat(),
      headers: { 'x-meridian-deadline-ms': '500' },
    });
    expect([res.statusCode, res.headers['x-meridian-node']]).toEqual([200, 'b']);
    const receipt = (
      await c.app.inject({ method: 'GET', url: `/v1/receipts/${res.headers['x-meridian-receipt']}` })
    ).json() as {
      attempts: { nodeId: string; outcome: string; hedge?: boolean }[];
    };
    expect(receipt.attempts).toEqual([expect.objectContaining({ nodeId: 'b', outcome: 'ok', hedge: true })]);
  });

  it('hedges from the first request (allowance of 2), then no more than the budget refills (0.5 per request)', async () => {
    c = await fleet(
      [
        { id: 'slow', endpoint: slow.url },
        { id: 'b', endpoint: fast.url },
      ],
      { decide: fixed(['slow', 'b'], 'b') },
      { gateway: { hedge: { maxRate: 0.5, delayMs: 20, burst: 2, windowMs: 3_600_000 } } },
    );
    const send = () =>
      c!.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: chat(),
        headers: { 'x-meridian-deadline-ms': '1500' },
      });
    // Tokens: 2 → each request adds 0.5 (capped at 2), each hedge takes 1.
    // r1: 2 → hedged (1.0 left); r2: 1.5 → hedged (0.5); r3: 1.0 → hedged (0); r4: 0.5 → not; r5: 1.0 → hedged.
    const nodes: unknown[] = [];
    for (let k = 0; k < 5; k++) nodes.push((await send()).headers['x-meridian-node']);
    expect(nodes).toEqual(['b', 'b', 'b', 'slow', 'b']);
  });

  it('answers /v1/route with a decision and a stored receipt', async () => {
    c = await fleet([{ id: 'a', endpoint: fast.url }]);
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/route',
      payload: { model: MODEL, client: { lat: 48.86, lon: 2.35 }, inputTokens: 100, outputTokens: 50 },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { primary: string; receiptId: string };
    expect(body.primary).toBe('a');
    const receipt = await c.app.inject({ method: 'GET', url: `/v1/receipts/${body.receiptId}` });
    expect(receipt.json()).toMatchObject({ endpoint: 'route', decision: { primary: 'a' } });
  });

  it('refuses a /v1/route body with an unknown field or metro (400 naming it) instead of dropping it', async () => {
    c = await fleet([{ id: 'a', endpoint: fast.url }]);
    const body = { model: MODEL, client: { lat: 48.86, lon: 2.35 }, inputTokens: 100, outputTokens: 50 };
    const policy = await c.app.inject({
      method: 'POST',
      url: '/v1/route',
      payload: { ...body, policy: 'nosuch' },
    });
    expect(policy.statusCode).toBe(400);
    expect(policy.json().error.message).toBe('body: unknown field "policy"');
    const metro = await c.app.inject({
      method: 'POST',
      url: '/v1/route',
      payload: { ...body, client: { ...body.client, metro: 'atlantis' } },
    });
    expect(metro.statusCode).toBe(400);
    expect(metro.json().error.message).toBe('body: client.metro: unknown metro (got "atlantis")');
  });

  it('exposes Prometheus metrics: decision latency, requests per node, warm replicas', async () => {
    c = await fleet([{ id: 'a', endpoint: fast.url }]);
    await c.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat() });
    const res = await c.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('meridian_decision_seconds_count 1');
    expect(res.body).toContain('meridian_requests_total{node="a",status="200"} 1');
    expect(res.body).toContain(`meridian_warm_replicas{model="${MODEL}"} 1`);
    const health = await c.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toEqual({ ok: true, nodes: 1, healthyNodes: 1 });
  });

  it('routes with the shared route(): the node with the model warm beats the one that would load it', async () => {
    c = await startCoordinator();
    const warm = await register(
      c,
      descriptor('warm', { location: { lat: 40.71, lon: -74.01, metro: 'new-york' } }),
      fast.url,
    );
    const cold = await register(c, descriptor('cold'), slow.url);
    expect(await beat(c, warm)).toBe(200);
    expect(await beat(c, cold, { models: [{ id: MODEL, state: 'localDisk' }] })).toBe(200);
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat(),
      headers: { 'x-meridian-client-metro': 'frankfurt' },
    });
    expect(res.headers['x-meridian-node']).toBe('warm');
    const receipt = (
      await c.app.inject({ method: 'GET', url: `/v1/receipts/${res.headers['x-meridian-receipt']}` })
    ).json() as {
      decision: {
        receipt: {
          policy: string;
          chosen: string;
          top: { node: string; warm: boolean; coldStartMs: number }[];
        };
      };
    };
    expect(receipt.decision.receipt.policy).toBe('meridian');
    expect(receipt.decision.receipt.chosen).toBe('warm');
    const coldRow = receipt.decision.receipt.top.find((t) => t.node === 'cold');
    expect(coldRow?.warm).toBe(false);
    expect(coldRow?.coldStartMs).toBeGreaterThan(1000);
  });

  it('stops routing to a node whose telemetry is older than 10 s', async () => {
    let t = 1_750_000_000_000;
    c = await startCoordinator({}, { now: () => t });
    const a = await register(c, descriptor('a'), fast.url, { signedAt: t });
    expect(await beat(c, a, { sentAt: t })).toBe(200);
    t += 10_000;
    const res = await c.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat() });
    expect(res.statusCode).toBe(404);
    expect((res.json() as { error: { served: string[] } }).error.served).toEqual([]);
  });

  it('names a bad client hint header in a 400', async () => {
    c = await fleet([{ id: 'a', endpoint: fast.url }]);
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat(),
      headers: { 'x-meridian-client-metro': 'atlantis' },
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { message: string } }).error.message).toBe(
      'headers: x-meridian-client-metro: expected a metro id of the catalog (got "atlantis")',
    );
  });

  it('after a shared upstream fails, route() stops choosing its nodes and the answer comes from elsewhere', async () => {
    const acme = { upstream: 'acme' };
    c = await fleet([
      { id: 'a1', endpoint: DEAD, labels: acme },
      { id: 'a2', endpoint: DEAD2, labels: acme },
      { id: 'far', endpoint: fast.url },
    ]);
    // Requests go on being answered (by failover) until both acme nodes have failed, which opens the domain.
    for (
      let k = 0;
      k < 4 && c.coordinator.breakers.domainState('upstream=acme', Date.now()) !== 'open';
      k++
    ) {
      const res = await c.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat() });
      expect([res.statusCode, res.headers['x-meridian-node']]).toEqual([200, 'far']);
    }
    expect(c.coordinator.breakers.domainState('upstream=acme', Date.now())).toBe('open');
    await new Promise((r) => setTimeout(r, 30)); // past the view's 20 ms refresh
    const next = await c.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat() });
    expect([next.statusCode, next.headers['x-meridian-node'], next.headers['x-meridian-attempts']]).toEqual([
      200,
      'far',
      '1',
    ]);
    const receipt = (
      await c.app.inject({ method: 'GET', url: `/v1/receipts/${next.headers['x-meridian-receipt']}` })
    ).json() as {
      decision: { primary: string; fallbacks: string[] };
    };
    expect(receipt.decision.primary).toBe('far');
    expect(receipt.decision.fallbacks).toEqual([]);
    const metrics = (
      await c.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${ADMIN}` } })
    ).body;
    expect(metrics).toContain('meridian_breaker_state{scope="domain",name="upstream=acme"} 2');
  });
});
