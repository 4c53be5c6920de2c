import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { Children } from '../src/fleet/children.js';
import { descriptor, tempDir, waitFor, writeYaml } from './server-kit.js';
import { warmsetFleet } from './warmset-kit.js';

/**
 * The router's second replica (routing/load-ahead.ts) across processes: a coordinator (`meridian serve`,
 * warm-set commands on, the controller's plan every hour so that only the router commands) and two
 * emulated Ollama workers in Frankfurt with their agents. fra-1 holds llama warm and serves one request
 * at a time; fra-2 has room for it and nothing loaded. A burst of llama requests queues at fra-1: the
 * gateway's decisions ask for llama on fra-2, the command goes to fra-2's agent, which loads it.
 */
const children = new Children();
const tmp = tempDir('load-ahead-process');
afterAll(async () => {
  await children.stopAll();
  tmp.remove();
});

const LLAMA = 'llama-3.1-8b-instruct';

function worker(id: string, preload: string[]) {
  return writeYaml(join(tmp.dir, `${id}.yaml`), {
    flavor: 'ollama',
    memoryGb: 80,
    loadGBps: 2,
    slots: 1,
    // 40 tokens at 20 tokens/s = 2 s per request, scaled to 0.5 s; 16 GB at 2 GB/s = 8 s, scaled to 2 s.
    timeScale: 0.25,
    tokensPerSec: 20,
    prefillTokensPerSec: 0,
    models: [{ id: LLAMA }],
    preload,
    node: descriptor(id, { hardware: { accelerator: 'a10g', count: 1, memoryGb: 80 }, slots: 1 }),
  });
}

const chat = (url: string) =>
  request(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-meridian-client-metro': 'frankfurt' },
    body: JSON.stringify({ model: LLAMA, messages: [{ role: 'user', content: 'hi' }], max_tokens: 40 }),
  }).then(async (r) => {
    await r.body.dump();
    return r.statusCode;
  });

describe('a second replica started by the gateway, across processes', () => {
  it('commands llama onto fra-2 when requests queue at fra-1, with the queue and load time as its reason, and fra-2 loads it', async () => {
    const fleet = await warmsetFleet(children, tmp.dir, { periodMs: 3_600_000 });
    await fleet.start('fra-1', worker('fra-1', [LLAMA]));
    await fleet.start('fra-2', worker('fra-2', []));
    await waitFor('both nodes reporting', async () =>
      (await fleet.stateOf('fra-1', LLAMA)) === 'warm' && (await fleet.stateOf('fra-2', LLAMA)) !== undefined
        ? true
        : undefined,
    );
    expect(await fleet.stateOf('fra-2', LLAMA)).not.toBe('warm');

    const statuses = await Promise.all(Array.from({ length: 8 }, () => chat(fleet.url)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const load = await fleet.answered('load', 'fra-2');
    console.log(`fra-2: ${load.reason} (${load.status})`);
    expect(load).toMatchObject({ model: LLAMA, status: 'done' });
    expect(load.reason).toMatch(/^router: \d+ ms queued at the warm primary, the load takes \d+ ms$/);
    expect((await fleet.actions()).filter((a) => a.kind === 'load')).toHaveLength(1);
    await waitFor('fra-2 reporting llama warm', async () =>
      (await fleet.stateOf('fra-2', LLAMA)) === 'warm' ? true : undefined,
    );
  }, 60_000);
});
