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
      { extra: [(app, co) => uiRoutes(app, co, { intervalMs: 250 })] },
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
    await expect.poll(() => page.locator('circle[data-node-id]').count(), { timeout: 10_000 }).toBe(3);
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
    await page.waitForSelector('circle[data-node-id]');
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
    await expect.poll(() => page.locator('circle.node.lit').count()).toBe(warm);
    const lit = await page.$$eval('circle.node.lit', (els) =>
      els.map((e) => e.getAttribute('data-node-id')).sort(),
    );
    expect(lit).toEqual(['fra', 'iad']);
    expect(await page.getAttribute('circle[data-node-id="nrt"]', 'class')).toContain('dim');
    expect(await page.textContent('[data-testid=lit]')).toBe(`${warm} nodes warm for ${MODEL}`);
    await page.close();
  });

  it('shows the demand panel (GET /v1/demand exists) and no prediction-error or trust panel (no such APIs yet)', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/ui`);
    await page.waitForSelector('circle[data-node-id]');
    await page.waitForSelector('[data-testid=panel-demand]');
    const panels = await page.$$eval('[data-testid^=panel-]', (els) =>
      els.map((e) => e.getAttribute('data-testid')),
    );
    expect(panels).toEqual(['panel-demand']);
    await page.close();
  });
});
