import { join } from 'node:path';
import { Pool } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { type Child, Children } from '../src/fleet/children.js';
import { builtMain, LOOPBACK, tempDir, waitFor, workerProfile, writeYaml } from './server-kit.js';

/** Kill a worker process while the gateway is under load: no non-streamed request may fail. */
const children = new Children();
const tmp = tempDir('failover');
afterAll(async () => {
  await children.stopAll();
  tmp.remove();
});

const OPERATORS = ['op-a', 'op-b', 'op-c'];
const token = (op: string) => `${op}-token-0123456789abcdef`;

describe('failover under load', () => {
  it('answers every non-streamed request when a worker is killed mid-load (SIGKILL)', async () => {
    const main = builtMain();
    const config = writeYaml(join(tmp.dir, 'coordinator.yaml'), {
      listen: { host: '127.0.0.1', port: 0 },
      dataDir: ':memory:',
      registry: { allowEndpoints: LOOPBACK },
      operators: OPERATORS.map((id) => ({ id, token: token(id) })),
    });
    const coord = await children.spawn('coordinator', ['serve', '--config', config], { main });
    const workers = new Map<string, Child>();
    await Promise.all(
      OPERATORS.map(async (op, k) => {
        const id = `w${k + 1}`;
        // 10 tokens at 100 tokens/s: each request is in flight on its worker for about 100 ms.
        const profile = writeYaml(
          join(tmp.dir, `${id}.yaml`),
          workerProfile(id, op, { tokensPerSec: 100, defaultMaxTokens: 10 }),
        );
        const w = await children.spawn(
          id,
          ['worker', '--emulate', '--profile', profile, '--coordinator', coord.url, '--heartbeat-ms', '100'],
          {
            main,
            env: { MERIDIAN_TOKEN: token(op) },
          },
        );
        workers.set(id, w);
      }),
    );
    const pool = new Pool(coord.url, { connections: 32 });
    const get = async (path: string) =>
      (await (await pool.request({ method: 'GET', path })).body.json()) as unknown;
    await waitFor('three warm replicas', async () => {
      const m = (await get('/v1/models')) as { data: { warm_replicas: number }[] };
      return m.data[0]?.warm_replicas === 3 ? true : undefined;
    });

    const TOTAL = 300;
    const KILL_AT = 80;
    let started = 0;
    let killed: string | undefined;
    const failures: string[] = [];
    const answeredBy = new Map<string, number>();
    let retried = 0;
    const killOne = async () => {
      const nodes = (await get('/v1/nodes')) as { nodes: { id: string; gatewayInFlight: number }[] };
      const busy = nodes.nodes
        .filter((n) => n.gatewayInFlight > 0)
        .sort((a, b) => b.gatewayInFlight - a.gatewayInFlight)[0];
      killed = busy?.id ?? 'w1';
      workers.get(killed)!.proc.kill('SIGKILL');
    };
    const loop = async () => {
      while (started < TOTAL) {
        started++;
        if (started === KILL_AT) await killOne();
        const res = await pool.request({
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'llama-3.1-8b-instruct',
            messages: [{ role: 'user', content: 'hi' }],
          }),
        });
        const text = await res.body.text();
        if (res.statusCode !== 200) failures.push(`${res.statusCode} ${text}`);
        const node = String(res.headers['x-meridian-node']);
        answeredBy.set(node, (answeredBy.get(node) ?? 0) + 1);
        if (Number(res.headers['x-meridian-attempts']) > 1) retried++;
      }
    };
    await Promise.all(Array.from({ length: 16 }, loop));
    await pool.close();

    expect(failures).toEqual([]);
    expect(killed).toBeDefined();
    expect(await workers.get(killed!)!.exited).toBe('SIGKILL');
    expect([...answeredBy.values()].reduce((a, b) => a + b, 0)).toBe(TOTAL);
    // Requests in flight on the killed worker, or sent to it before its breaker opened, went elsewhere.
    expect(retried).toBeGreaterThan(0);
    expect(answeredBy.size).toBe(3);
  });
});
