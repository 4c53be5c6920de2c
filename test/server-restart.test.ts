import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { CoordinatorClient, envelope } from '../src/agent/coordinator-client.js';
import { Children } from '../src/fleet/children.js';
import { generateIdentity } from '../src/wire/identity.js';
import {
  ADMIN,
  builtMain,
  descriptor,
  LOOPBACK,
  startWorker,
  TOKEN_A,
  tempDir,
  writeYaml,
} from './server-kit.js';

/** Real coordinator processes (the point is the process boundary: what survives a restart). */
const children = new Children();
const tmp = tempDir('restart');
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
  await children.stopAll();
  tmp.remove();
});

async function getJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const res = await request(url, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('coordinator restart', () => {
  it('keeps nodes, sequence floors, issued tokens and receipts across a restart; rejects forged and replayed heartbeats', async () => {
    const main = builtMain();
    const config = writeYaml(join(tmp.dir, 'coordinator.yaml'), {
      listen: { host: '127.0.0.1', port: 0 },
      dataDir: 'data',
      registry: { allowEndpoints: LOOPBACK },
      operators: [{ id: 'op-a', token: TOKEN_A }],
      adminToken: ADMIN,
      gateway: { probes: { intervalMs: 0 } },
    });
    let coord = await children.spawn('coordinator', ['serve', '--config', config], { main });
    const key = generateIdentity();
    // The endpoint answers the proof of control with the node's key (an emulated worker on loopback).
    const backend = await startWorker({}, { key });
    closers.push(() => backend.close());
    const client = new CoordinatorClient(coord.url, key);
    const reg = await client.register(TOKEN_A, descriptor('n1'), backend.url, Date.now());
    const hb = (seq: number) => ({
      nodeId: 'n1',
      seq,
      sentAt: Date.now(),
      models: [{ id: 'llama-3.1-8b-instruct', state: 'warm' as const }],
      slots: 8,
      inFlight: 0,
      queue: 0,
    });
    await client.heartbeat(hb(reg.lastSeq + 1));
    const captured = envelope('heartbeat', hb(reg.lastSeq + 2), key);
    await client.heartbeat(JSON.parse(captured.payload));

    const issued = await request(`${coord.url}/v1/admin/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operator: 'op-z' }),
    });
    const { token } = (await issued.body.json()) as { token: string };
    const routed = await request(`${coord.url}/v1/route`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'llama-3.1-8b-instruct',
        client: { lat: 0, lon: 0 },
        inputTokens: 1,
        outputTokens: 1,
      }),
    });
    expect(routed.statusCode).toBe(200);
    const { receiptId } = (await routed.body.json()) as { receiptId: string };
    await client.close();

    await coord.stop('SIGTERM');
    expect(await coord.exited).toBe(0);
    coord = await children.spawn('coordinator (restarted)', ['serve', '--config', config], { main });
    expect(coord.info.nodes).toBe(1);

    const nodes = (await getJson(`${coord.url}/v1/nodes`, { authorization: `Bearer ${ADMIN}` })).body as {
      nodes: { id: string; operator: string; endpoint: string }[];
    };
    expect(nodes.nodes.map((n) => [n.id, n.operator, n.endpoint])).toEqual([['n1', 'op-a', backend.url]]);

    const receipt = await getJson(`${coord.url}/v1/receipts/${receiptId}`);
    expect(receipt).toMatchObject({ status: 200, body: { id: receiptId, decision: { primary: 'n1' } } });

    // The issued token still registers a node.
    const otherKey = generateIdentity();
    const otherBackend = await startWorker({}, { key: otherKey });
    closers.push(() => otherBackend.close());
    const other = new CoordinatorClient(coord.url, otherKey);
    await expect(
      other.register(token, descriptor('z1', { labels: { operator: 'op-z' } }), otherBackend.url, Date.now()),
    ).resolves.toMatchObject({
      nodeId: 'z1',
      operator: 'op-z',
    });
    await other.close();

    // A heartbeat captured before the restart is still a replay; a forged one is refused.
    const again = new CoordinatorClient(coord.url, key);
    const replay = await request(`${coord.url}/v1/heartbeats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(captured),
    });
    expect([
      replay.statusCode,
      ((await replay.body.json()) as { error: { code: string } }).error.code,
    ]).toEqual([409, 'replayed']);
    const forger = new CoordinatorClient(coord.url, generateIdentity());
    await expect(forger.heartbeat(hb(reg.lastSeq + 10))).rejects.toMatchObject({
      status: 401,
      code: 'bad_signature',
    });
    await expect(again.heartbeat(hb(reg.lastSeq + 3))).resolves.toEqual({ ok: true, seq: reg.lastSeq + 3 });
    await forger.close();
    await again.close();
  });
});
