import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uiRoutes } from '../src/ui/routes.js';
import { uiWhatIf } from '../src/ui/snapshot.js';
import {
  ADMIN,
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
 * The coordinator here keeps a trust verdict per node (n5 quarantined, the rest trusted at 0.9) and
 * serves warm-set actions, as the trust and warm-set controller code will: the page shows both.
 */
warnWithoutChromium();
const FLAGS = CHROMIUM_FLAGS;
const NODE = '#node-index [data-node-id]';
const mark = (id: string) => `#node-index [data-node-id="${id}"]`;
const attached = { state: 'attached' as const, timeout: 10_000 };
const trustOf = (id: string) =>
  id === 'n5'
    ? { quarantined: true, reason: 'claims warm, served cold', score: 0.1 }
    : { quarantined: false, score: 0.9 };
// As GET /v1/warmset/actions lists them (the store's warm action records), newest first.
const ACTIONS = [
  {
    id: 'w2',
    createdAt: Date.UTC(2026, 0, 1, 12, 0, 9),
    node: 'n4',
    model: 'llama-3.1-8b-instruct',
    kind: 'unload',
    reason: 'idle',
    gainMs: 0,
    costMs: 0,
    status: 'done',
    updatedAt: 0,
  },
  {
    id: 'w1',
    createdAt: Date.UTC(2026, 0, 1, 12, 0, 5),
    node: 'n2',
    model: 'qwen-2.5-7b',
    kind: 'load',
    reason: 'forecast 3 rps',
    gainMs: 9000,
    costMs: 2000,
    status: 'sent',
    updatedAt: 0,
  },
];

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
      {
        extra: [
          (app, co) => uiRoutes(app, co, { intervalMs: 300, historyMs: 300, trustOf }),
          // A coordinator that serves the warm-set actions itself keeps them in its store (seeded below).
          (app) => {
            if (!app.hasRoute({ method: 'GET', url: '/v1/warmset/actions' }))
              app.get('/v1/warmset/actions', async () => ({ enabled: true, actions: ACTIONS }));
          },
        ],
      },
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
    await page.waitForSelector(`[data-testid=nodes][data-drawn="${nodes.length}"]`, attached);
    const ids = await page.$$eval(NODE, (els) => els.map((e) => e.getAttribute('data-node-id')).sort());
    expect(ids).toEqual(nodes.map((n) => n.id).sort());
    const summary = await page.textContent('[data-testid=summary]');
    expect(summary).toBe(`${nodes.length} nodes, ${nodes.length} healthy, 1 quarantined`);
    await page.waitForSelector('[data-testid=concentration] tbody tr');
    const shot =
      process.env.MERIDIAN_UPDATE_SCREENSHOT === '1' ? join(ROOT, 'docs', 'dashboard.png') : undefined;
    if (shot !== undefined) {
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      await page.screenshot({ path: shot });
    }
    await page.close();
  });

  it('marks a worker that stops heartbeating stale (after 1.2 s), then unhealthy (after 2.5 s)', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/ui`);
    await page.waitForSelector(`${mark('n3')}[data-health="fresh"]`, attached);
    silent.add('n3');
    await page.waitForSelector(`${mark('n3')}[data-health="stale"]`, { state: 'attached', timeout: 8_000 });
    await page.waitForSelector(`${mark('n3')}[data-health="unhealthy"]`, {
      state: 'attached',
      timeout: 8_000,
    });
    expect(await page.getAttribute(mark('n0'), 'data-health')).toBe('fresh');
    await page.close();
  });

  it('marks cold nodes (nothing warm: n1, n3, n5, n7), the quarantined one (n5) and an open breaker (n7)', async () => {
    const now = c.coordinator.now();
    for (let k = 0; k < 10; k++) c.coordinator.breakers.failure('n7', now);
    const page = await browser.newPage();
    await page.goto(`${url}/ui`);
    await page.waitForSelector(`${mark('n7')}[data-breaker="open"]`, attached);
    const marks = await page.$$eval(NODE, (els) =>
      els.map((e) => [
        e.getAttribute('data-node-id'),
        e.hasAttribute('data-cold'),
        e.getAttribute('data-trust'),
      ]),
    );
    expect(marks).toEqual(
      nodes
        .map((n, k) => [n.id, k % 2 === 1, n.id === 'n5' ? 'quarantined' : 'ok'])
        .sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    expect(await page.getAttribute(mark('n0'), 'data-breaker')).toBe('closed');
    // The trust series: the last point as the API returns it.
    await page.waitForSelector('[data-testid=panel-trust]:not([hidden])', { timeout: 10_000 });
    const state = (await (await fetch(`${url}/ui/api/state`)).json()) as {
      history: { trust: { quarantined: number; nodes: number; meanScore: number }[] };
    };
    const last = state.history.trust.at(-1)!;
    // 7 trusted at 0.9 and n5 at 0.1: (7 × 0.9 + 0.1) / 8 = 0.80.
    expect([last.quarantined, last.nodes, last.meanScore.toFixed(2)]).toEqual([1, 8, '0.80']);
    expect(await page.textContent('[data-testid=trust-last]')).toBe(
      '1 of 8 nodes quarantined, mean score 0.80',
    );
    await page.close();
  });

  it('a what-if on provider aws shows the capacity the analysis API computes (slots of the aws nodes)', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/ui`);
    await page.waitForSelector(NODE, attached);
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
      models: { model: string; warm: number }[];
      nodes: { id: string; dyn: { load: number } }[];
    };
    const rows = await page.$$eval('[data-testid=concentration] tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-dimension'), tr.children[2]?.textContent]),
    );
    expect(rows).toEqual(state.concentration.rows.map((r) => [r.dimension, r.hhi.toFixed(4)]));
    const models = await page.$$eval('[data-testid=models] tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-model'), tr.children[1]?.textContent]),
    );
    expect(models).toEqual(state.models.map((m) => [m.model, String(m.warm)]));
    // Loads as the API computes them: n1 runs 1 request on 5 slots (0.200), n2 2 on 6 (0.333).
    for (const n of state.nodes.filter((x) => x.id === 'n1' || x.id === 'n2'))
      expect(await page.getAttribute(mark(n.id), 'data-load')).toBe(n.dyn.load.toFixed(3));
    expect(state.nodes.find((x) => x.id === 'n2')!.dyn.load.toFixed(3)).toBe('0.333');
    await page.close();
  });

  it('shows the warm-set controller actions the coordinator serves, newest first (to the admin)', async () => {
    const store = c.store as unknown as { putWarmAction?: (a: unknown) => Promise<void> };
    for (const a of ACTIONS) await store.putWarmAction?.(a);
    const page = await browser.newPage();
    await page.goto(`${url}/ui`);
    await page.fill('[data-testid=key]', ADMIN);
    await page.click('[data-testid=key-use]');
    await page.waitForSelector('[data-testid=warmset-actions] tbody tr');
    const rows = await page.$$eval('[data-testid=warmset-actions] tbody tr', (trs) =>
      trs.map((tr) => [...tr.children].map((td) => td.textContent)),
    );
    expect(rows).toEqual([
      ['12:00:09', 'unload', 'llama-3.1-8b-instruct', 'n4', 'done', 'idle'],
      ['12:00:05', 'load', 'qwen-2.5-7b', 'n2', 'sent', 'forecast 3 rps'],
    ]);
    await page.close();
  });

  it('sends a key typed in the login field with every request: admin, then a refused key reads as anonymous', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/ui`);
    await expect.poll(() => page.textContent('[data-testid=viewer]')).toBe('anonymous');
    await page.fill('[data-testid=key]', ADMIN);
    await page.click('[data-testid=key-use]');
    await expect.poll(() => page.textContent('[data-testid=viewer]')).toBe('admin');
    // The stream was reopened with the key and brought every node again.
    await page.waitForSelector(`[data-testid=nodes][data-drawn="${nodes.length}"]`, attached);
    await page.fill('[data-testid=key]', 'not-a-key-of-this-coordinator');
    await page.click('[data-testid=key-use]');
    await expect.poll(() => page.textContent('[data-testid=viewer]')).toBe('anonymous (unknown key)');
    await page.close();
  });
});
