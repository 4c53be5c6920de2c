import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { Children } from '../src/fleet/children.js';
import {
  ADMIN,
  builtMain,
  descriptor,
  LOOPBACK,
  TOKEN_A,
  tempDir,
  waitFor,
  writeYaml,
} from './server-kit.js';
import { meridian } from './support/cli.js';

/**
 * Issue 13, data nodes live: a coordinator (`meridian serve`, every dataset challenged every 300 ms)
 * and three emulated workers serving the same model. `near` is in Frankfurt with the clients and holds
 * no data; `data-lon` in London holds a synthetic 150 GB dataset (`--dataset imagenet:150:2`) and proves
 * it; `liar-waw` in Warsaw registers a 5 GB dataset but answers every challenge with a chunk one bit off
 * (`--lie data`). A request naming imagenet must run in London next to the data (bringing 150 GB to
 * Frankfurt costs minutes); without the header it runs in Frankfurt; the liar loses its dataset (a
 * request naming it finds no holder) and is quarantined for `data`.
 */
const children = new Children();
const tmp = tempDir('data-process');
afterAll(async () => {
  await children.stopAll();
  tmp.remove();
});

const MODEL = 'llama-3.1-8b-instruct';

interface NodeView {
  id: string;
  datasets?: {
    id: string;
    version: number;
    proof: string;
    passed: number;
    failed: number;
    reason?: string;
  }[];
  trust: { quarantined: boolean; reason?: string } | null;
}

async function nodes(url: string): Promise<NodeView[]> {
  const res = await request(`${url}/v1/nodes`, { headers: { authorization: `Bearer ${ADMIN}` } });
  if (res.statusCode !== 200) throw new Error(`GET /v1/nodes: HTTP ${res.statusCode}`);
  return ((await res.body.json()) as { nodes: NodeView[] }).nodes;
}

async function complete(url: string, dataset?: string) {
  const res = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-meridian-client-metro': 'frankfurt',
      ...(dataset === undefined ? {} : { 'x-meridian-dataset': dataset }),
    },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
  });
  const body = (await res.body.json()) as { error?: { message: string } };
  return {
    status: res.statusCode,
    node: res.headers['x-meridian-node'] as string | undefined,
    receipt: res.headers['x-meridian-receipt'] as string | undefined,
    error: body.error?.message,
  };
}

const WORKERS = [
  { id: 'near', at: { lat: 50.11, lon: 8.68, metro: 'frankfurt' }, args: [] },
  {
    id: 'data-lon',
    at: { lat: 51.51, lon: -0.13, metro: 'london' },
    args: ['--dataset', 'imagenet:150:2'],
  },
  {
    id: 'liar-waw',
    at: { lat: 52.23, lon: 21.01, metro: 'warsaw' },
    args: ['--dataset', 'wiki:5', '--lie', 'data'],
  },
];

describe('data nodes, live', () => {
  it('runs a request naming a proven 150 GB dataset next to it in London, and drops the dataset of a node that answers its challenge wrongly', async () => {
    const main = builtMain();
    const config = writeYaml(join(tmp.dir, 'coordinator.yaml'), {
      listen: { host: '127.0.0.1', port: 0 },
      dataDir: join(tmp.dir, 'data'),
      adminToken: ADMIN,
      operators: [{ id: 'op-a', token: TOKEN_A }],
      registry: { allowEndpoints: LOOPBACK, dataProofEveryMs: 300 },
      telemetry: { heartbeatIntervalMs: 200 },
    });
    const coord = await children.spawn('coordinator', ['serve', '--config', config], { main });
    for (const w of WORKERS) {
      const file = writeYaml(join(tmp.dir, `${w.id}.yaml`), {
        slots: 8,
        tokensPerSec: 200,
        models: [{ id: MODEL }],
        node: descriptor(w.id, { location: w.at }),
      });
      const args = ['worker', '--emulate', '--profile', file, '--coordinator', coord.url, '--token', TOKEN_A];
      await children.spawn(w.id, [...args, ...w.args], { main });
    }

    const view = await waitFor('imagenet proven 3 times and the liar quarantined', async () => {
      const v = await nodes(coord.url);
      const lon = v.find((n) => n.id === 'data-lon')?.datasets?.[0];
      const liar = v.find((n) => n.id === 'liar-waw');
      return v.length === 3 && (lon?.passed ?? 0) >= 3 && liar?.trust?.quarantined ? v : undefined;
    });
    const byId = new Map(view.map((n) => [n.id, n]));
    expect(byId.get('data-lon')!.datasets).toMatchObject([
      { id: 'imagenet', version: 2, proof: 'proven', failed: 0 },
    ]);
    expect(byId.get('liar-waw')!.datasets).toMatchObject([
      {
        id: 'wiki',
        proof: 'failed',
        passed: 0,
        reason: expect.stringMatching(/does not lead to the registered root/),
      },
    ]);
    expect(byId.get('liar-waw')!.trust).toMatchObject({ quarantined: true, reason: 'data' });
    expect(byId.get('near')!.datasets).toBeUndefined();
    expect(byId.get('data-lon')!.trust).toMatchObject({ quarantined: false });

    const metrics = await request(`${coord.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const text = await metrics.body.text();
    expect(text).toContain('meridian_datasets{status="proven"} 1');
    expect(text).toContain('meridian_datasets{status="failed"} 1');

    // Without a dataset the Frankfurt client is served in Frankfurt; with imagenet, in London next to it.
    const plain = await complete(coord.url);
    expect(plain).toMatchObject({ status: 200, node: 'near' });
    const withData = await complete(coord.url, 'imagenet');
    expect(withData).toMatchObject({ status: 200, node: 'data-lon' });
    const res = await request(`${coord.url}/v1/receipts/${withData.receipt}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const receipt = (await res.body.json()) as {
      request: { dataset?: string };
      decision: { receipt: { top: { node: string; dataFetchMs: number }[] } };
    };
    expect(receipt.request.dataset).toBe('imagenet');
    const fetch = new Map(receipt.decision.receipt.top.map((c) => [c.node, c.dataFetchMs]));
    expect(fetch.get('data-lon')).toBe(0);
    // Bringing 150 GB from London to Frankfurt: minutes, not the milliseconds of the round trip.
    expect(fetch.get('near')).toBeGreaterThan(60_000);

    // The liar's dataset is not in the view: a request naming it finds no holder.
    const wiki = await complete(coord.url, 'wiki');
    expect(wiki.status).toBe(404);
    expect(wiki.error).toMatch(/dataset "wiki" is not held by this network/);
  }, 90_000);

  it('refuses a malformed --dataset, one of 20,000 GB and one without --coordinator, exit 2 naming the flag', async () => {
    const profile = writeYaml(join(tmp.dir, 'plain.yaml'), {
      models: [{ id: MODEL }],
      node: descriptor('p'),
    });
    const worker = (...more: string[]) => meridian('worker', '--emulate', '--profile', profile, ...more);
    const cases: [string[], RegExp][] = [
      [
        ['--coordinator', 'http://127.0.0.1:9', '--token', TOKEN_A, '--dataset', 'wiki'],
        /expected ID:SIZE_GB/,
      ],
      [
        ['--coordinator', 'http://127.0.0.1:9', '--token', TOKEN_A, '--dataset', 'wiki:20000'],
        /SIZE_GB must be in/,
      ],
      [['--dataset', 'wiki:5'], /--dataset needs --coordinator/],
    ];
    for (const [args, message] of cases) {
      const r = await worker(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
