import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uiRoutes } from '../src/ui/routes.js';
import { uiWhatIf } from '../src/ui/snapshot.js';
import {
  beat,
  descriptor,
  register,
  startCoordinator,
  type TestCoordinator,
  type TestNode,
} from './server-kit.js';
import { CHROMIUM, CHROMIUM_FLAGS, warnWithoutChromium } from './support/chromium.js';
import { ROOT } from './support/shared-data.js';

/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core against a live
 * coordinator on loopback. `.ci/run` installs the browser; without one these tests say how to get it and
 * skip. `MERIDIAN_UPDATE_SCREENSHOT=1` writes the screenshot the README shows (docs/dashboard.png).
 */
warnWithoutChromium();
const FLAGS = CHROMIUM_FLAGS;

const PLACES = [
  { metro: 'frankfurt', lat: 50.11, lon: 8.68, country: 'DE', provider: 'hetzner' },
  { metro: 'ashburn', lat: 39.04, lon: -77.49, country: 'US', provider: 'aws' },
  { metro: 'tokyo', lat: 35.68, lon: 139.69, country: 'JP', provider: 'aws' },
  { metro: 'sao-paulo', lat: -23.55, lon: -46.63, country: 'BR', provider: 'gcp' },
  { metro: 'sydney', lat: -33.87, lon: 151.21, country: 'AU', provider: 'gcp' },
  { metro: 'singapore', lat: 1.35, lon: 103.82, country: 'SG', provider: 'ovh' },
  { metro: 'london', lat: 51.51, lon: -0.13, country: 'GB', provider: 'aws' },
  { metro: 'mumbai', lat: 19.08, lon: 72.88, country: 'IN', provider: 'ovh' },
];

describe.skipIf(CHROMIUM === undefined)('the dashboard in Chromium', () => {
  let c: TestCoordinator;
  let url: string;
  let browser: Browser;
  const nodes: TestNode[] = [];
  const silent = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    c = await startCoordinator(
      { telemetry: { heartbeatIntervalMs: 250, staleAfterMs: 1200, unhealthyAfterMs: 2500 } },
      { extra: [(app, co) => uiRoutes(app, co, { intervalMs: 300 })] },
    );
    for (const [k, p] of PLACES.entries()) {
      const d = descriptor(`n${k}`, {
        location: { lat: p.lat, lon: p.lon, metro: p.metro },
        labels: { provider: p.provider, country: p.country, asn: `asn-${p.provider}` },
        slots: 4 + k,
      });
      nodes.push(await register(c, d, `http://127.0.0.1:9/n${k}`));
    }
    const pulse = async () => {
      for (const [k, n] of nodes.entries())
        if (!silent.has(n.id))
          await beat(c, n, {
            inFlight: k % 3,
            models: k % 2 === 0 ? [{ id: 'llama-3.1-8b-instruct', state: 'warm' }] : [],
          });
    };
    await pulse();
    timer = setInterval(() => void pulse(), 250);
    await c.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(c.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: FLAGS });
  }, 60_000);

  afterAll(async () => {
    if (timer) clearInterval(timer);
    await browser?.close();
    await c?.close();
  });

  it('shows every registered node on the map, each mark carrying data-node-id', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    await page.goto(`${url}/ui`);
    await expect
      .poll(() => page.locator('circle[data-node-id]').count(), { timeout: 10_000 })
      .toBe(nodes.length);
    const ids = await page.$$eval('circle[data-node-id]', (els) =>
      els.map((e) => e.getAttribute('data-node-id')).sort(),
    );
    expect(ids).toEqual(nodes.map((n) => n.id).sort());
    const summary = await page.textContent('[data-testid=summary]');
    expect(summary).toBe(`${nodes.length} nodes, ${nodes.length} healthy`);
    const shot =
      process.env.MERIDIAN_UPDATE_SCREENSHOT === '1' ? join(ROOT, 'docs', 'dashboard.png') : undefined;
    if (shot !== undefined) {
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      await page.screenshot({ path: shot });
    }
    await page.close();
  });

  it('marks a worker that stops heartbeating unhealthy within a few seconds', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/ui`);
    await page.waitForSelector('circle[data-node-id="n3"][data-health="fresh"]', { timeout: 10_000 });
    silent.add('n3');
    const t0 = performance.now();
    await page.waitForSelector('circle[data-node-id="n3"][data-health="unhealthy"]', { timeout: 8_000 });
    expect(performance.now() - t0).toBeLessThan(8_000);
    expect(await page.getAttribute('circle[data-node-id="n0"]', 'data-health')).toBe('fresh');
    await page.close();
  });

  it('a what-if on provider aws shows the capacity the analysis API computes (slots of the aws nodes)', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/ui`);
    await page.waitForSelector('circle[data-node-id]');
    await page.selectOption('[data-testid=whatif-dim]', 'provider');
    await page.selectOption('[data-testid=whatif-value]', 'aws');
    await page.click('[data-testid=whatif-run]');
    await page.waitForSelector('[data-testid=whatif-capacity]');
    const text = await page.textContent('[data-testid=whatif-capacity]');
    const api = uiWhatIf(c.coordinator, 'provider', 'aws');
    const lost = api.capacity.reduce((s, r) => s + (r.before - r.after), 0);
    // aws runs n1 (5 slots), n2 (6) and n6 (10): 21 of 4 + 5 + … + 11 = 60 slots.
    expect(lost).toBe(21);
    expect(text).toBe(`capacity lost: ${lost} of 60 slots`);
    expect(await page.textContent('[data-testid=whatif-removed]')).toBe('provider=aws: 3 nodes down');
    await page.close();
  });

  it('shows the concentration the API computes: one row per dimension with its HHI', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/ui`);
    await page.waitForSelector('[data-testid=concentration] tbody tr');
    const state = (await (await fetch(`${url}/ui/api/state`)).json()) as {
      concentration: { rows: { dimension: string; hhi: number }[] };
    };
    const rows = await page.$$eval('[data-testid=concentration] tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-dimension'), tr.children[2]?.textContent]),
    );
    expect(rows).toEqual(state.concentration.rows.map((r) => [r.dimension, r.hhi.toFixed(4)]));
    await page.close();
  });
});
