import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uiRoutes } from '../src/ui/routes.js';
import {
  beat,
  descriptor,
  register,
  startCoordinator,
  startWorker,
  type TestCoordinator,
  type TestNode,
  type TestWorker,
} from './server-kit.js';
import { CHROMIUM, CHROMIUM_FLAGS, warnWithoutChromium } from './support/chromium.js';
import { ROOT } from './support/shared-data.js';

/**
 * Request arcs, receipts and warm replicas on the dashboard, in Chromium against a live gateway: a client
 * in Frankfurt is routed to the Frankfurt node, whose endpoint refuses connections, and fails over to a real
 * emulated worker in Ashburn; a Tokyo node has nothing warm.
 */
warnWithoutChromium();
const MODEL = 'llama-3.1-8b-instruct';

interface ReceiptBody {
  node: string | null;
  durationMs: number;
  decision: {
    primary: string;
    fallbacks: string[];
    receipt: { top: { node: string; rttMs: number; queueMs: number; estimateMs: number }[] };
  };
}

describe.skipIf(CHROMIUM === undefined)('request arcs and receipts on the dashboard', () => {
  let c: TestCoordinator;
  let worker: TestWorker;
  let url: string;
  let browser: Browser;
  const nodes: [TestNode, boolean][] = [];
  let timer: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    worker = await startWorker();
    c = await startCoordinator(
      { telemetry: { heartbeatIntervalMs: 250, staleAfterMs: 1200, unhealthyAfterMs: 2500 } },
      { extra: [(app, co) => uiRoutes(app, co, { intervalMs: 250, historyMs: 500 })] },
    );
    const place = [
      ['fra', 50.11, 8.68, 'frankfurt', 'http://127.0.0.1:9/fra', true],
      ['iad', 39.04, -77.49, 'ashburn', worker.url, true],
      ['nrt', 35.68, 139.69, 'tokyo', 'http://127.0.0.1:9/nrt', false],
    ] as const;
    for (const [id, lat, lon, metro, endpoint, warm] of place) {
      const d = descriptor(id, { location: { lat, lon, metro }, labels: { provider: `p-${id}` } });
      nodes.push([await register(c, d, endpoint), warm]);
    }
    const pulse = async () => {
      for (const [n, warm] of nodes) await beat(c, n, { models: warm ? [{ id: MODEL, state: 'warm' }] : [] });
    };
    await pulse();
    timer = setInterval(() => void pulse(), 250);
    await c.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(c.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: CHROMIUM_FLAGS });
  }, 60_000);

  afterAll(async () => {
    if (timer) clearInterval(timer);
    await browser?.close();
    await c?.close();
    await worker?.close();
  });

  const ask = async () => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-meridian-client': '50.11,8.68' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
    });
    expect(res.status).toBe(200);
    await res.text();
    return res.headers.get('x-meridian-receipt')!;
  };

  it('draws a failover (fra refused, iad answered) as a dashed arc carrying data-receipt-id; clicking it shows the receipt with the API numbers', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    await page.goto(`${url}/ui`);
    await page.waitForSelector('[data-testid=nodes][data-drawn="3"]', { state: 'attached', timeout: 10_000 });
    await page.waitForTimeout(400); // the event stream is open
    const id = await ask();
    const receipt = (await (await fetch(`${url}/v1/receipts/${id}`)).json()) as ReceiptBody;
    expect(receipt.decision.primary).toBe('fra');
    expect(receipt.node).toBe('iad');
    const arc = page.locator(`g.arc[data-receipt-id="${id}"]`);
    await arc.waitFor({ timeout: 5_000 });
    expect(await arc.getAttribute('class')).toBe('arc failover');
    expect(await arc.getAttribute('data-node')).toBe('iad');
    expect((await arc.locator('path.leg').getAttribute('d'))?.length).toBeGreaterThan(10);

    await arc.locator('path.leg').dispatchEvent('click');
    await page.waitForSelector('[data-testid=receipt-bars] [data-term=realized]');
    const est = receipt.decision.receipt.top.find((t) => t.node === 'iad')!;
    const bar = (term: string) => page.textContent(`[data-testid=receipt-bars] [data-term="${term}"] b`);
    expect(await bar('rtt')).toBe(`${est.rttMs.toFixed(1)} ms`);
    expect(await bar('queue')).toBe(`${est.queueMs.toFixed(1)} ms`);
    expect(await bar('estimate')).toBe(`${est.estimateMs.toFixed(1)} ms`);
    expect(await bar('realized')).toBe(`${receipt.durationMs.toFixed(1)} ms`);
    expect(await page.textContent('[data-testid=receipt-fallbacks]')).toContain('iad (ok)');
    expect(await page.textContent('[data-testid=receipt-verifiers]')).toBe('verifiers: none');
    if (process.env.MERIDIAN_UPDATE_SCREENSHOT === '1')
      await page.screenshot({ path: join(ROOT, 'docs', 'dashboard-receipt.png') });
    await page.close();
  });

  it('looks a receipt up by id from the form, and says so when the id is unknown', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/ui`);
    await page.waitForSelector('#node-index [data-node-id]', { state: 'attached' });
    const id = await ask();
    await page.fill('[data-testid=receipt-id]', id);
    await page.click('[data-testid=receipt-run]');
    await page.waitForSelector('[data-testid=receipt-head]');
    expect(await page.textContent('[data-testid=receipt-head]')).toContain(
      `${id}: ${MODEL}, status 200, served by iad`,
    );
    await page.fill('[data-testid=receipt-id]', 'no-such-receipt');
    await page.click('[data-testid=receipt-run]');
    await expect.poll(() => page.textContent('[data-testid=receipt]')).toBe('no receipt "no-such-receipt"');
    await page.close();
  });

  it('highlights the 2 nodes (fra, iad) where the model is warm and dims the cold one (nrt)', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/ui`);
    await page.waitForSelector('[data-testid=models] tbody tr');
    await page.selectOption('[data-testid=model-pick]', MODEL);
    const state = (await (await fetch(`${url}/ui/api/state`)).json()) as {
      models: { model: string; warm: number }[];
    };
    const warm = state.models.find((m) => m.model === MODEL)!.warm;
    expect(warm).toBe(2);
    await expect.poll(() => page.locator('#node-index [data-lit]').count()).toBe(warm);
    const lit = await page.$$eval('#node-index [data-lit]', (els) =>
      els.map((e) => e.getAttribute('data-node-id')).sort(),
    );
    expect(lit).toEqual(['fra', 'iad']);
    expect(await page.getAttribute('#node-index [data-node-id="nrt"]', 'data-lit')).toBeNull();
    expect(await page.textContent('[data-testid=lit]')).toBe(`${warm} nodes warm for ${MODEL}`);
    await page.close();
  });

  it('shows the demand per region with its forecast as /ui/api/demand computes it, and the prediction error of the requests served', async () => {
    // Prediction error is counted for answers from the primary: once fra's breaker is open and the view has
    // read it (at least every 250 ms), iad is it. Asks spaced out over up to 10 s, not a fixed count: on a
    // busy machine 20 quick ones fell between two reads of a breaker that had reopened.
    const until = Date.now() + 10_000;
    for (
      let k = 0;
      k < 3 || (c.coordinator.metrics.predictions.summary().count === 0 && Date.now() < until);
      k++
    ) {
      await ask();
      if (k >= 3) await new Promise((r) => setTimeout(r, 50));
    }
    expect(c.coordinator.metrics.predictions.summary().count).toBeGreaterThan(0);
    const page = await browser.newPage();
    await page.goto(`${url}/ui`);
    await page.waitForSelector('[data-testid=demand] .demand-series');
    const demand = (await (await fetch(`${url}/ui/api/demand?bucket=60&points=60`)).json()) as {
      series: { place: string; model: string; requests: number; forecast: { mean: number[] } }[];
    };
    const europe = demand.series.find((s) => s.place === 'europe' && s.model === MODEL)!;
    // Every request of this file comes from Frankfurt (europe): at least the 3 just sent.
    expect(europe.requests).toBeGreaterThanOrEqual(3);
    const title = await page.textContent(
      `[data-testid=demand] .demand-series[data-place=europe][data-model="${MODEL}"] p`,
    );
    expect(title).toContain(`europe · ${MODEL}: ${europe.requests} requests`);
    expect(title).toContain(`next ${europe.forecast.mean[0]!.toFixed(1)}`);
    // The prediction-error panel appears once a period saw a request with an estimate.
    await page.waitForSelector('[data-testid=panel-prediction-error]:not([hidden])', { timeout: 10_000 });
    const state = (await (await fetch(`${url}/ui/api/state?nodes=0`)).json()) as {
      history: { predictionError: { requests: number; p50: number | null }[] };
    };
    expect(state.history.predictionError.some((p) => p.requests > 0 && p.p50 !== null)).toBe(true);
    expect(await page.textContent('[data-testid=prediction-error-last]')).toMatch(
      /^last period: \d+ requests?, median \d+%, p90 \d+%, mean \d+%$/,
    );
    // No trust verdicts on this coordinator: the panel stays hidden. The warm-set panel is hidden when the
    // coordinator does not serve GET /v1/warmset/actions, and asks an anonymous reader for a key when it does.
    expect(await page.getAttribute('[data-testid=panel-trust]', 'hidden')).toBe('');
    if (c.app.hasRoute({ method: 'GET', url: '/v1/warmset/actions' }))
      await expect
        .poll(() => page.textContent('#warmset'))
        .toBe('the warm-set actions need an operator or admin key');
    else expect(await page.getAttribute('[data-testid=panel-warmset]', 'hidden')).toBe('');
    if (process.env.MERIDIAN_UPDATE_SCREENSHOT === '1') {
      await page.evaluate("document.querySelector('aside').scrollTop = 1e6");
      await page.screenshot({ path: join(ROOT, 'docs', 'dashboard-panels.png') });
    }
    await page.close();
  });
});
