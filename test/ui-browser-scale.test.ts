import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory-store.js';
import { uiRoutes } from '../src/ui/routes.js';
import { generateIdentity } from '../src/wire/identity.js';
import { descriptor, heartbeat, startCoordinator, type TestCoordinator } from './server-kit.js';
import { CHROMIUM, CHROMIUM_FLAGS, warnWithoutChromium } from './support/chromium.js';

/**
 * The dashboard with a large emulated registry: 5,000 nodes in the registry's store, one heartbeat
 * each, spread over the globe on a deterministic grid.
 */
warnWithoutChromium();
const N = 5000;
const PROVIDERS = ['aws', 'gcp', 'azure', 'hetzner', 'ovh', 'equinix', 'vultr', 'linode'];

describe.skipIf(CHROMIUM === undefined)('the dashboard with 5,000 nodes', () => {
  let c: TestCoordinator;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    // Written into the registry's store before the coordinator starts (it loads every stored node), then
    // one heartbeat each straight into the telemetry: registering 5,000 through HTTP one by one is slow.
    const t0 = performance.now();
    const store = new MemoryStore();
    const key = generateIdentity();
    const ids: string[] = [];
    for (let j = 0; j < N; j++) {
      const lat = -55 + ((j * 37) % 120);
      const lon = -180 + ((j * 73) % 360);
      const d = descriptor(`s${j}`, {
        location: { lat, lon, metro: 'frankfurt' },
        labels: { provider: PROVIDERS[j % PROVIDERS.length]!, country: `c${j % 40}`, asn: `asn-${j % 90}` },
      });
      ids.push(d.id);
      await store.putNode({
        id: d.id,
        operator: 'op-a',
        publicKey: key.publicKeyText,
        endpoint: `http://127.0.0.1:9/s${j}`,
        descriptor: d,
        registeredAt: Date.now(),
        updatedAt: Date.now(),
        lastSeq: 0,
      });
    }
    c = await startCoordinator(
      { telemetry: { heartbeatIntervalMs: 60_000, staleAfterMs: 600_000, unhealthyAfterMs: 900_000 } },
      { store, extra: [(app, co) => uiRoutes(app, co)] },
    );
    for (const id of ids)
      c.coordinator.network.telemetry.record(
        heartbeat({ id, key, seq: 0 }) as Parameters<typeof c.coordinator.network.telemetry.record>[0],
        c.coordinator.now(),
      );
    console.log(`registered ${N} nodes with a heartbeat each in ${Math.round(performance.now() - t0)} ms`);
    await c.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(c.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: CHROMIUM_FLAGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await c?.close();
  });

  it('renders all 5,000 marks, and the live stream sends at most 3 nodes events a second over 5 s', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    const t0 = performance.now();
    await page.goto(`${url}/ui`);
    await expect.poll(() => page.locator('circle[data-node-id]').count(), { timeout: 60_000 }).toBe(N);
    console.log(`all ${N} marks on the map ${Math.round(performance.now() - t0)} ms after opening the page`);
    expect(await page.textContent('[data-testid=summary]')).toBe(`${N} nodes, ${N} healthy`);

    const counted = await page.evaluate(
      () =>
        new Promise<{ nodes: number; size: number }>((resolve) => {
          const es = new EventSource('/ui/events');
          let nodes = 0;
          let size = 0;
          es.addEventListener('nodes', (e) => {
            nodes++;
            size = (e as unknown as { data: string }).data.length;
          });
          setTimeout(() => {
            es.close();
            resolve({ nodes, size });
          }, 5000);
        }),
    );
    console.log(`${counted.nodes} nodes events in 5 s, ${counted.size} bytes each`);
    expect(counted.nodes).toBeGreaterThanOrEqual(3);
    expect(counted.nodes).toBeLessThanOrEqual(15);
    // The page still answers: a colour change restyles every mark.
    const t1 = performance.now();
    await page.selectOption('[data-testid=colour-by]', 'country');
    await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
    console.log(`recolouring ${N} marks took ${Math.round(performance.now() - t1)} ms`);
    await page.close();
  }, 120_000);
});
