import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatedFleet, emulatedFleet } from '../bench/ui-fleet.js';
import { CHROMIUM, CHROMIUM_FLAGS, warnWithoutChromium } from './support/chromium.js';
import { probeStream } from './support/sse-probe.js';

/**
 * The dashboard with a large emulated registry (bench/ui-fleet.ts): 5,000 nodes, 5% of them reporting a
 * new load every second. The figures are logged; the timing targets are measured by `npm run bench:ui`.
 */
warnWithoutChromium();
const N = 5000;

describe.skipIf(CHROMIUM === undefined)('the dashboard with 5,000 nodes', () => {
  let fleet: EmulatedFleet;
  let url: string;
  let browser: Browser;
  let timer: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    fleet = await emulatedFleet(N);
    timer = setInterval(() => fleet.churn(0.05), 1000);
    await fleet.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(fleet.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: CHROMIUM_FLAGS });
  }, 120_000);

  afterAll(async () => {
    if (timer) clearInterval(timer);
    await browser?.close();
    await fleet?.close();
  });

  it('draws all 5,000 nodes and indexes each by data-node-id; each tick sends only the ~250 changed nodes', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    const t0 = performance.now();
    await page.goto(`${url}/ui`);
    await page.waitForSelector(`[data-testid=nodes][data-drawn="${N}"]`, {
      state: 'attached',
      timeout: 60_000,
    });
    console.log(`all ${N} nodes drawn ${Math.round(performance.now() - t0)} ms after opening the page`);
    expect(await page.locator('#node-index [data-node-id]').count()).toBe(N);
    expect(await page.textContent('[data-testid=summary]')).toBe(`${N} nodes, ${N} healthy`);

    const seen = await probeStream(page, 5000);
    const snapshot = seen.snapshot!.bytes[0]!;
    const deltas = seen.nodes?.bytes ?? [];
    const mean = deltas.reduce((s, b) => s + b, 0) / Math.max(1, deltas.length);
    console.log(
      `snapshot ${snapshot} bytes; ${deltas.length} nodes events in 5 s, ${Math.round(mean)} bytes each on average`,
    );
    expect(seen.snapshot!.count).toBe(1);
    // One event a second at most (the churn ticks once a second; the stream's period is 1 s).
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(deltas.length).toBeLessThanOrEqual(6);
    // 5% of the nodes change per tick: a delta is far smaller than the whole list.
    expect(mean).toBeLessThan(snapshot / 5);

    const drawMs = await page.getAttribute('[data-testid=nodes]', 'data-draw-ms');
    console.log(`last redraw of ${N} nodes took ${drawMs} ms`);
    const t1 = performance.now();
    await page.selectOption('[data-testid=colour-by]', 'country');
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    console.log(`recolouring ${N} nodes took ${Math.round(performance.now() - t1)} ms`);
    await page.close();
  }, 120_000);
});
