import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { Children } from '../src/fleet/children.js';
import type { WarmActionRecord } from '../src/store/registry-store.js';
import {
  ADMIN,
  builtMain,
  descriptor,
  getJson,
  LOOPBACK,
  TOKEN_A,
  tempDir,
  waitFor,
  writeYaml,
} from './server-kit.js';

/**
 * Issue 12, item 3, on a node that is serving: a coordinator (`meridian serve`, warm-set controller on)
 * and two emulated Ollama workers with their agents as processes. fra-1 (Frankfurt) holds llama warm;
 * nrt-1 (Tokyo) is a 24 GB A10G that holds one 7-8B model at a time, qwen, and serves a long streamed
 * qwen request (400 tokens at 100 tokens/s scaled by 0.1: about 4 s). Tokyo demand for llama makes the
 * controller put llama's second replica on nrt-1, which means unloading qwen while it serves. The unload
 * must be taken (Ollama's `keep_alive: 0` on a busy model: it goes when its request ends), the qwen stream
 * must finish whole, and the load of llama must wait for it and then be carried out.
 */
const children = new Children();
const tmp = tempDir('warmset-busy-process');
afterAll(async () => {
  await children.stopAll();
  tmp.remove();
});

const LLAMA = 'llama-3.1-8b-instruct';
const QWEN = 'qwen2.5-7b-instruct';

function worker(
  id: string,
  location: { lat: number; lon: number; metro: string },
  models: string[],
  preload: string[],
) {
  return writeYaml(join(tmp.dir, `${id}.yaml`), {
    flavor: 'ollama',
    memoryGb: 24,
    loadGBps: 2,
    // 16 GB at 2 GB/s = 8 s, scaled to 0.8 s; 400 tokens at 100 tokens/s = 4 s, scaled to 0.4 s per 100.
    timeScale: 0.1,
    tokensPerSec: 10,
    prefillTokensPerSec: 0,
    models: models.map((m) => ({ id: m })),
    preload,
    node: descriptor(id, { location, hardware: { accelerator: 'a10g', count: 1, memoryGb: 24 } }),
  });
}

interface NodesView {
  nodes: { id: string; telemetry: { models: { id: string; state: string }[] } | null }[];
}

const stateOf = (v: NodesView, node: string, model: string) =>
  v.nodes.find((n) => n.id === node)?.telemetry?.models.find((m) => m.id === model)?.state;

const chat = (url: string, model: string, maxTokens: number, stream: boolean) =>
  request(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-meridian-client-metro': 'tokyo' },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: maxTokens,
      stream,
    }),
  });

describe('the warm-set controller on a busy node, across processes', () => {
  it('unloads qwen from nrt-1 while it streams (the stream ends whole), then loads llama there once qwen has gone', async () => {
    const main = builtMain();
    const config = writeYaml(join(tmp.dir, 'coordinator.yaml'), {
      listen: { host: '127.0.0.1', port: 0 },
      dataDir: join(tmp.dir, 'data'),
      adminToken: ADMIN,
      operators: [{ id: 'op-a', token: TOKEN_A }],
      registry: { allowEndpoints: LOOPBACK },
      gateway: { probes: { intervalMs: 0 } },
      telemetry: { heartbeatIntervalMs: 200 },
      demand: { bucketMs: 1000 },
      warmset: { enabled: true, periodMs: 500, bucketMs: 2000, horizonMs: 20_000, historyMs: 600_000 },
    });
    const coord = await children.spawn('coordinator', ['serve', '--config', config], { main });
    const start = (id: string, file: string) =>
      children.spawn(
        id,
        ['worker', '--emulate', '--profile', file, '--coordinator', coord.url, '--token', TOKEN_A],
        { main },
      );
    await start('fra-1', worker('fra-1', { lat: 50.11, lon: 8.68, metro: 'frankfurt' }, [LLAMA], [LLAMA]));
    await start('nrt-1', worker('nrt-1', { lat: 35.68, lon: 139.69, metro: 'tokyo' }, [LLAMA, QWEN], [QWEN]));
    await waitFor('both nodes reporting', async () => {
      const v = await getJson<NodesView>(`${coord.url}/v1/nodes`);
      return stateOf(v, 'fra-1', LLAMA) === 'warm' && stateOf(v, 'nrt-1', QWEN) === 'warm' ? true : undefined;
    });
    const actions = async () =>
      (await getJson<{ actions: WarmActionRecord[] }>(`${coord.url}/v1/warmset/actions`, ADMIN)).actions;

    // A long qwen stream on nrt-1, read to its end while llama demand from Tokyo comes in.
    let streamEndedAt = 0;
    const stream = chat(coord.url, QWEN, 400, true).then(async (r) => {
      const text = await r.body.text();
      streamEndedAt = Date.now();
      return { status: r.statusCode, text };
    });
    await new Promise((r) => setTimeout(r, 300));
    for (let step = 1; step <= 6; step++) {
      const sent = Array.from({ length: step }, () =>
        chat(coord.url, LLAMA, 2, false).then((r) => r.body.dump()),
      );
      await Promise.all([...sent, new Promise((r) => setTimeout(r, 500))]);
      if ((await actions()).some((a) => a.kind === 'unload' && a.node === 'nrt-1')) break;
    }
    const unload = await waitFor('the unload of qwen on nrt-1 answered', async () => {
      const a = (await actions()).find((x) => x.kind === 'unload' && x.node === 'nrt-1');
      return a !== undefined && a.status !== 'pending' && a.status !== 'sent' ? a : undefined;
    });
    expect(unload).toMatchObject({ model: QWEN, status: 'done' });
    expect(streamEndedAt).toBe(0); // taken while qwen still streamed

    const streamed = await stream;
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain('data: [DONE]');
    expect(streamed.text).not.toContain('"error"');

    const load = await waitFor('the load of llama on nrt-1 answered', async () => {
      const a = (await actions()).find((x) => x.kind === 'load' && x.node === 'nrt-1');
      return a !== undefined && a.status !== 'pending' && a.status !== 'sent' ? a : undefined;
    });
    console.log(`nrt-1: ${unload.reason} (${unload.detail}); ${load.reason} (${load.detail})`);
    expect(load).toMatchObject({ model: LLAMA, status: 'done' });
    expect(load.updatedAt).toBeGreaterThan(streamEndedAt - 1000);
    await waitFor('nrt-1 reporting llama warm and qwen gone', async () => {
      const v = await getJson<NodesView>(`${coord.url}/v1/nodes`);
      return stateOf(v, 'nrt-1', LLAMA) === 'warm' && stateOf(v, 'nrt-1', QWEN) !== 'warm' ? true : undefined;
    });
  }, 90_000);
});
