import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Children } from '../src/fleet/children.js';
import { builtMain, LOOPBACK, TOKEN_A, tempDir, waitFor, workerProfile, writeYaml } from './server-kit.js';

/**
 * The live gateway learns: a real coordinator process and a real emulated worker whose hidden
 * `speedFactor` of 2 makes it twice as slow as the catalog the router estimates from. The gateway feeds
 * every served request to the node's estimators, so its prediction error falls as requests are served.
 */
const children = new Children();
const tmp = tempDir('learning');
let url = '';

beforeAll(async () => {
  const main = builtMain();
  const config = writeYaml(join(tmp.dir, 'coordinator.yaml'), {
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: ':memory:',
    registry: { allowEndpoints: LOOPBACK },
    operators: [{ id: 'op-a', token: TOKEN_A }],
    gateway: { publicMetrics: true },
  });
  const coord = await children.spawn('coordinator', ['serve', '--config', config], { main });
  url = coord.url;
  // Catalog speeds of the h100 row (no tokensPerSec / prefillTokensPerSec), times the hidden factor 2.
  const {
    tokensPerSec: _t,
    prefillTokensPerSec: _p,
    ...profile
  } = workerProfile('w1', 'op-a', {
    speedFactor: 2,
  });
  const file = writeYaml(join(tmp.dir, 'w1.yaml'), profile);
  await children.spawn(
    'worker',
    ['worker', '--emulate', '--profile', file, '--coordinator', coord.url, '--heartbeat-ms', '100'],
    { main, env: { MERIDIAN_TOKEN: TOKEN_A } },
  );
  await waitFor('the model to be served', async () => {
    const res = await request(`${coord.url}/v1/models`);
    const body = (await res.body.json()) as { data: { warm_replicas: number }[] };
    return body.data[0]?.warm_replicas === 1 ? true : undefined;
  });
});
afterAll(async () => {
  await children.stopAll();
  tmp.remove();
});

interface LearningRow {
  predictionError: { count: number; firstMedian: number | null; recentMedian: number | null };
  nodes: { id: string; learned: { decodeFactor: number; samples: number } | null }[];
}

/** One request; returns its prediction error as the client sees it: |estimate − realized| / realized. */
async function complete(stream: boolean): Promise<number> {
  const t0 = performance.now();
  const res = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'llama-3.1-8b-instruct',
      messages: [{ role: 'user', content: 'count' }],
      max_tokens: 40,
      stream,
    }),
  });
  await res.body.text();
  const realized = performance.now() - t0;
  expect(res.statusCode).toBe(200);
  const estimate = Number(res.headers['x-meridian-estimate-ms']);
  return Math.abs(estimate - realized) / realized;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

describe('live gateway learning (real coordinator + emulated worker with hidden speedFactor 2)', () => {
  it('the first request is mispredicted by over 30%, the median over the last 10 of 30 by less than half that; the learned decode factor is 2 ± 25%', async () => {
    const errors: number[] = [];
    for (let k = 0; k < 30; k++) errors.push(await complete(k % 2 === 1));
    expect(errors[0]).toBeGreaterThan(0.3);
    expect(median(errors.slice(20))).toBeLessThan(errors[0]! / 2);
    const body = (await (await request(`${url}/v1/nodes`)).body.json()) as LearningRow;
    const pe = body.predictionError;
    expect(pe.count).toBe(30);
    expect(pe.recentMedian!).toBeLessThan(pe.firstMedian! + 0.05);
    const learned = body.nodes[0]!.learned!;
    expect(learned.samples).toBeGreaterThanOrEqual(15);
    expect(Math.abs(learned.decodeFactor - 2) / 2).toBeLessThan(0.25);
    const metrics = await (await request(`${url}/metrics`)).body.text();
    expect(metrics).toMatch(/meridian_prediction_error_ratio_count 30/);
  });
});
