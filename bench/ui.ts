/**
 * Dashboard benchmark (`npm run bench:ui`): Debian's Chromium (playwright-core) against a coordinator
 * with an emulated registry (bench/ui-fleet.ts), 5% of the nodes reporting a new load every second.
 *
 * For the fleet of `npm start` (16 nodes) and a large one (default 5,000): the time from opening the page
 * to every node drawn on the map (median of `--opens`; as the driver sees it, and in the page's own clock
 * from navigation start, with the times the script had arrived and the coastlines were drawn), the size of the live stream's events (the whole
 * node list once, then the changed nodes per tick; as sent and gzipped alone), how many `nodes` events
 * a second, the time one redraw of the map takes in the page, and a recolour of every node. Also the
 * page's own size, gzipped. The last line printed is one JSON object.
 *
 * Options: --nodes N (default 5000) --opens K (default 3) --seconds S stream window (default 5)
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium } from 'playwright-core';
import { quantileSorted } from '../src/stats/quantile.js';
import { parseFlags, positiveNumber } from './args.js';
import { emulatedFleet } from './ui-fleet.js';

const BENCH = 'bench:ui';
const values = parseFlags(BENCH, {
  nodes: { type: 'string', default: '5000' },
  opens: { type: 'string', default: '3' },
  seconds: { type: 'string', default: '5' },
});
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (s: string) => process.stdout.write(`${s}\n`);
const round = (x: number) => Math.round(x * 100) / 100;
const median = (xs: number[]) =>
  Math.round(
    quantileSorted(
      [...xs].sort((a, b) => a - b),
      0.5,
    ),
  );

/** Size of the bundled page (dist/web), as sent and gzipped. */
function pageSize(): { bytes: number; gzipBytes: number } {
  const files = ['index.html', 'app.js', 'style.css'].map((f) => readFileSync(join(ROOT, 'dist', 'web', f)));
  return {
    bytes: files.reduce((s, b) => s + b.length, 0),
    gzipBytes: files.reduce((s, b) => s + gzipSync(b, { level: 9 }).length, 0),
  };
}

/** Reads the live stream for `ms` after its first event and sizes its events. */
async function streamSizes(url: string, ms: number) {
  const abort = new AbortController();
  const res = await fetch(`${url}/ui/events`, { signal: abort.signal });
  // The window starts when the whole node list has arrived (the first event).
  let timer: NodeJS.Timeout | undefined;
  const sizes: Record<string, { bytes: number; gzip: number; at: number }[]> = {};
  let buffer = '';
  try {
    for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) {
      const blocks = (buffer + chunk).split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const b of blocks) {
        const name = /^event: (.*)$/m.exec(b)?.[1] ?? 'comment';
        const at = Number(/"at":(\d+)/.exec(b)?.[1] ?? Number.NaN);
        (sizes[name] ??= []).push({ bytes: b.length, gzip: gzipSync(b).length, at });
        timer ??= setTimeout(() => abort.abort(), ms);
      }
    }
  } catch {
    // aborted at the end of the window
  }
  clearTimeout(timer);
  return sizes;
}

async function measure(browser: Browser, n: number, opens: number, seconds: number) {
  const fleet = await emulatedFleet(n, { assets: join(ROOT, 'dist', 'web') });
  const churn = setInterval(() => fleet.churn(0.05), 1000);
  await fleet.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(fleet.app.server.address() as AddressInfo).port}`;
  try {
    const firstDraw: number[] = [];
    const inPage: number[] = [];
    const landAt: number[] = [];
    const scriptAt: number[] = [];
    let redrawMs = Number.NaN;
    let recolourMs = Number.NaN;
    for (let k = 0; k < opens; k++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
      const t0 = performance.now();
      await page.goto(`${url}/ui`);
      await page.waitForSelector(`[data-testid=nodes][data-drawn="${n}"]`, {
        state: 'attached',
        timeout: 120_000,
      });
      firstDraw.push(performance.now() - t0);
      inPage.push(Number(await page.getAttribute('[data-testid=nodes]', 'data-first-drawn-at')));
      await page.waitForSelector('[data-testid=map][data-drawn-at]', { state: 'attached' });
      landAt.push(Number(await page.getAttribute('[data-testid=map]', 'data-drawn-at')));
      scriptAt.push(
        await page.evaluate(
          "performance.getEntriesByType('resource').find((e) => e.name.endsWith('/ui/app.js'))?.responseEnd ?? NaN",
        ),
      );
      if (k === opens - 1) {
        await page.waitForTimeout(2500); // a few delta ticks redrawn
        redrawMs = Number(await page.getAttribute('[data-testid=nodes]', 'data-draw-ms'));
        const t1 = performance.now();
        await page.selectOption('[data-testid=colour-by]', 'country');
        await page.waitForFunction("document.querySelector('#legend')?.textContent?.includes('c0')");
        recolourMs = performance.now() - t1;
      }
      await page.close();
    }
    const sizes = await streamSizes(url, seconds * 1000);
    const deltas = sizes.nodes ?? [];
    const mean = (xs: number[]) =>
      xs.length === 0 ? 0 : Math.round(xs.reduce((s, x) => s + x, 0) / xs.length);
    const out = {
      nodes: n,
      firstDrawMs: median(firstDraw),
      firstDrawInPageMs: median(inPage),
      landDrawnInPageMs: median(landAt),
      scriptLoadedInPageMs: median(scriptAt),
      snapshotBytes: sizes.snapshot?.[0]?.bytes ?? 0,
      snapshotGzipBytes: sizes.snapshot?.[0]?.gzip ?? 0,
      // By the coordinator's clock on each event (a reader that falls behind reads several at once).
      nodesEventsPerSecond:
        deltas.length < 2 ? 0 : round((deltas.length - 1) / ((deltas.at(-1)!.at - deltas[0]!.at) / 1000)),
      deltaBytes: mean(deltas.map((d) => d.bytes)),
      deltaGzipBytes: mean(deltas.map((d) => d.gzip)),
      redrawMs,
      recolourMs: Math.round(recolourMs),
    };
    log(`${n} nodes: ${JSON.stringify(out)}`);
    return out;
  } finally {
    clearInterval(churn);
    await fleet.close();
  }
}

async function main(): Promise<void> {
  const n = positiveNumber(BENCH, '--nodes', values.nodes, { integer: true });
  const opens = positiveNumber(BENCH, '--opens', values.opens, { integer: true });
  const seconds = positiveNumber(BENCH, '--seconds', values.seconds);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    const small = await measure(browser, 16, opens, seconds);
    const large = await measure(browser, n, opens, seconds);
    log(JSON.stringify({ bench: 'ui', page: pageSize(), small, large }));
  } finally {
    await browser.close();
  }
}

await main();
