import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemandJson } from '../src/demand/series.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { beat, descriptor, register, startCoordinator, startWorker, type TestWorker } from './server-kit.js';
import { meridian } from './support/cli.js';

const MODEL = 'llama-3.1-8b-instruct';
/** 2026-01-05 10:00:00 UTC, a whole hour, so 5-minute buckets start there. */
const T0 = Date.UTC(2026, 0, 5, 10);

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker.close();
});

const chat = { model: MODEL, messages: [{ role: 'user', content: 'hello there' }], max_tokens: 3 };

/**
 * The coordinator observes demand: every gateway request counts in its (client metro, model) minute, kept
 * in the store, and `GET /v1/demand` returns the series by region or metro in buckets of `?bucket=` seconds.
 */
describe('GET /v1/demand', () => {
  it('counts 3 requests from São Paulo and 1 from Frankfurt in two 5-minute buckets, by region and by metro, kept in the store', async () => {
    let now = T0 + 30_000;
    const store = new MemoryStore();
    const c = await startCoordinator({}, { store, now: () => now });
    try {
      const node = await register(c, descriptor('a'), worker.url, { signedAt: now });
      const alive = async () => expect(await beat(c, node, {}, now)).toBe(200);
      await alive();
      const send = async (metro: string) => {
        const res = await c.app.inject({
          method: 'POST',
          url: '/v1/chat/completions',
          headers: { 'x-meridian-client-metro': metro },
          payload: chat,
        });
        expect(res.statusCode).toBe(200);
      };
      await send('sao-paulo');
      await send('frankfurt');
      now = T0 + 6 * 60_000;
      await alive();
      await send('sao-paulo');
      await send('sao-paulo');

      const byRegion = (
        await c.app.inject({ method: 'GET', url: '/v1/demand?bucket=300&since=0' })
      ).json() as DemandJson;
      expect(byRegion.bucketMs).toBe(300_000);
      expect(byRegion.originMs).toBe(T0);
      expect(byRegion.series.map((s) => [s.place, s.model, s.requests, s.unmet])).toEqual([
        ['europe', MODEL, [1, 0], [0, 0]],
        ['south-america', MODEL, [1, 2], [0, 0]],
      ]);
      expect(byRegion.series[1]!.tokens[1]!).toBeGreaterThan(2 * 3);

      const byMetro = (
        await c.app.inject({ method: 'GET', url: '/v1/demand?bucket=600&group=metro&since=0' })
      ).json() as DemandJson;
      expect(byMetro.series.map((s) => [s.place, s.requests])).toEqual([
        ['frankfurt', [1]],
        ['sao-paulo', [3]],
      ]);
      // Kept in the store, in minutes.
      const stored = await store.listDemand(60_000, 0);
      expect(stored.reduce((t, b) => t + b.requests, 0)).toBe(4);

      // meridian demand --receipts reads the same series from the running coordinator.
      const url = await c.app.listen({ host: '127.0.0.1', port: 0 });
      const cli = await meridian('demand', '--receipts', url, '--bucket', '300', '--json');
      expect(cli.code).toBe(0);
      const report = JSON.parse(cli.stdout) as { series: Array<{ place: string; requests: number }> };
      expect(report.series.map((s) => [s.place, s.requests])).toEqual([
        ['europe', 1],
        ['south-america', 3],
      ]);
    } finally {
      await c.close();
    }
  });

  it("counts no request the node refuses for the client's own mistake (400, max_tokens 5,000,000): 2 requests, twice one's tokens", async () => {
    const now = T0 + 30_000;
    const c = await startCoordinator({}, { now: () => now });
    try {
      const node = await register(c, descriptor('a'), worker.url, { signedAt: now });
      await beat(c, node, {}, now);
      const send = async (maxTokens: number) =>
        (
          await c.app.inject({
            method: 'POST',
            url: '/v1/chat/completions',
            payload: { ...chat, max_tokens: maxTokens },
          })
        ).statusCode;
      const minute = async () =>
        (
          (await c.app.inject({ method: 'GET', url: '/v1/demand?bucket=60&since=0' })).json() as DemandJson
        ).series.map((s) => ({ requests: s.requests, tokens: s.tokens, unmet: s.unmet }));
      expect(await send(3)).toBe(200);
      const one = (await minute())[0]!.tokens[0]!;
      expect(one).toBeGreaterThan(3);
      expect(await send(5_000_000)).toBe(400);
      expect(await send(3)).toBe(200);
      expect(await minute()).toEqual([{ requests: [2], tokens: [2 * one], unmet: [0] }]);
    } finally {
      await c.close();
    }
  });

  it('counts a request no node could answer (502, the only node unreachable) as 1 request and 1 unmet', async () => {
    const now = T0 + 30_000;
    const c = await startCoordinator({}, { now: () => now });
    try {
      const node = await register(c, descriptor('a'), 'http://127.0.0.1:9', { signedAt: now });
      await beat(c, node, {}, now);
      const res = await c.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat });
      expect(res.statusCode).toBe(502);
      const demand = (
        await c.app.inject({ method: 'GET', url: '/v1/demand?bucket=60&since=0' })
      ).json() as DemandJson;
      expect(demand.series.map((s) => [s.requests, s.unmet])).toEqual([[[1], [1]]]);
    } finally {
      await c.close();
    }
  });

  it('refuses ?bucket=90 (not whole minutes), ?bucket=1e300 (over a week) and ?group=country with 400 naming the field', async () => {
    const c = await startCoordinator();
    try {
      const bucket = await c.app.inject({ method: 'GET', url: '/v1/demand?bucket=90' });
      expect(bucket.statusCode).toBe(400);
      expect(bucket.body).toContain('bucket');
      const huge = await c.app.inject({ method: 'GET', url: '/v1/demand?bucket=1e300' });
      expect(huge.statusCode).toBe(400);
      expect(huge.body).toContain('at most 604800 (a week)');
      const group = await c.app.inject({ method: 'GET', url: '/v1/demand?group=country' });
      expect(group.statusCode).toBe(400);
      expect(group.body).toContain('expected region or metro');
    } finally {
      await c.close();
    }
  });
});

describe('what each node served, as the warm-set controller sees it', () => {
  it('counts each answer the gateway delivered against its node and model (4 from a, none from elsewhere)', async () => {
    let now = T0 + 30_000;
    const c = await startCoordinator({}, { now: () => now });
    try {
      const node = await register(c, descriptor('a'), worker.url, { signedAt: now });
      await beat(c, node, {}, now);
      const served = c.coordinator.warm.control.served;
      served.fold(now, 1_000);
      for (let k = 0; k < 4; k++)
        expect(
          (await c.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat })).statusCode,
        ).toBe(200);
      now += 1_000;
      served.fold(now, 1_000);
      // The 4 answers over 1 s, averaged at a time constant of 1 s: (1 − e^−1) × 4.
      expect(served.rps('a', MODEL)).toBeCloseTo((1 - Math.exp(-1)) * 4, 9);
      expect(served.rps('a', 'qwen2.5-7b-instruct')).toBe(0);
    } finally {
      await c.close();
    }
  });
});
