import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { Children } from '../src/fleet/children.js';
import { descriptor, tempDir, waitFor, writeYaml } from './server-kit.js';
import { warmsetFleet } from './warmset-kit.js';

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
    const fleet = await warmsetFleet(children, tmp.dir);
    await fleet.start(
      'fra-1',
      worker('fra-1', { lat: 50.11, lon: 8.68, metro: 'frankfurt' }, [LLAMA], [LLAMA]),
    );
    await fleet.start(
      'nrt-1',
      worker('nrt-1', { lat: 35.68, lon: 139.69, metro: 'tokyo' }, [LLAMA, QWEN], [QWEN]),
    );
    await waitFor('both nodes reporting', async () =>
      (await fleet.stateOf('fra-1', LLAMA)) === 'warm' && (await fleet.stateOf('nrt-1', QWEN)) === 'warm'
        ? true
        : undefined,
    );

    // A long qwen stream on nrt-1, read to its end while llama demand from Tokyo comes in.
    let streamEndedAt = 0;
    const stream = chat(fleet.url, QWEN, 400, true).then(async (r) => {
      const text = await r.body.text();
      streamEndedAt = Date.now();
      return { status: r.statusCode, text };
    });
    await new Promise((r) => setTimeout(r, 300));
    for (let step = 1; step <= 6; step++) {
      const sent = Array.from({ length: step }, () =>
        chat(fleet.url, LLAMA, 2, false).then((r) => r.body.dump()),
      );
      await Promise.all([...sent, new Promise((r) => setTimeout(r, 500))]);
      if ((await fleet.actions()).some((a) => a.kind === 'unload' && a.node === 'nrt-1')) break;
    }
    const unload = await fleet.answered('unload', 'nrt-1');
    expect(unload).toMatchObject({ model: QWEN, status: 'done' });
    expect(streamEndedAt).toBe(0); // taken while qwen still streamed

    const streamed = await stream;
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain('data: [DONE]');
    expect(streamed.text).not.toContain('"error"');

    const load = await fleet.answered('load', 'nrt-1');
    console.log(`nrt-1: ${unload.reason} (${unload.detail}); ${load.reason} (${load.detail})`);
    expect(load).toMatchObject({ model: LLAMA, status: 'done' });
    expect(load.updatedAt).toBeGreaterThan(streamEndedAt - 1000);
    await waitFor('nrt-1 reporting llama warm and qwen gone', async () =>
      (await fleet.stateOf('nrt-1', LLAMA)) === 'warm' && (await fleet.stateOf('nrt-1', QWEN)) !== 'warm'
        ? true
        : undefined,
    );
  }, 90_000);
});
