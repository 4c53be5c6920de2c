import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterPrefix } from '../src/fleet/cluster.js';
import { NatsLeases } from '../src/store/nats-lease.js';
import { NatsStore } from '../src/store/nats-store.js';
import { builtMain, TOKEN_A, tempDir, workerProfile, writeYaml } from './server-kit.js';
import { freePort, NATS_URL, natsReachable } from './support/nats.js';

/** `meridian start --coordinators 3`: three coordinator processes on the NATS at NATS_URL, a small fleet. */

const tmp = tempDir('start-cluster');
const natsUp = await natsReachable(NATS_URL);
if (!natsUp)
  console.warn(`skipping meridian start --coordinators: no NATS server at ${NATS_URL} (set NATS_URL)`);
const dataDir = join(tmp.dir, 'data');

afterAll(async () => {
  if (natsUp) {
    const prefix = clusterPrefix(dataDir);
    const store = new NatsStore({ servers: NATS_URL, prefix });
    const leases = new NatsLeases({ servers: NATS_URL, prefix });
    await store.destroy().catch(() => {});
    await leases.destroy().catch(() => {});
    await store.close();
    await leases.close();
  }
  tmp.remove();
});

function fleetFile(): string {
  writeYaml(join(tmp.dir, 'coordinator.yaml'), {
    listen: { host: '127.0.0.1', port: 0 },
    operators: [{ id: 'op-a', token: TOKEN_A }],
    gateway: { probes: { intervalMs: 0 } },
    warmset: { enabled: true, periodMs: 1000 },
  });
  writeYaml(join(tmp.dir, 'workers', 'w1.yaml'), workerProfile('w1', 'op-a', { tokensPerSec: 1000 }));
  writeYaml(join(tmp.dir, 'workers', 'w2.yaml'), workerProfile('w2', 'op-a', { tokensPerSec: 1000 }));
  // One worker per coordinator: each publishes heartbeats, so each is heard by the other two.
  writeYaml(join(tmp.dir, 'workers', 'w3.yaml'), workerProfile('w3', 'op-a', { tokensPerSec: 1000 }));
  return writeYaml(join(tmp.dir, 'fleet.yaml'), {
    coordinator: 'coordinator.yaml',
    workers: 'workers',
    traffic: {
      rate: 15,
      clients: ['frankfurt', 'tokyo'],
      models: { 'llama-3.1-8b-instruct': 1 },
      maxTokens: [2, 4],
    },
  });
}

interface Row {
  url: string;
  sent: number;
  ok: number;
  failed: number;
  connected: boolean | null;
  peers: number | null;
  holdsWarmsetLease: boolean;
}

const run = (args: string[], env: Record<string, string>) =>
  promisify(execFile)(process.execPath, [builtMain(), 'start', '--fleet', fleetFile(), ...args], {
    timeout: 90_000,
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
  });

describe('meridian start --coordinators 3', () => {
  it.skipIf(!natsUp)(
    'runs three coordinators on NATS, sends the traffic to each in turn with no failure; each is connected, hears the other 2 and sees the 3 nodes; one plans',
    async () => {
      const { stdout } = await run(
        ['--coordinators', '3', '--port', '0', '--duration', '5', '--data-dir', dataDir, '--json'],
        { NATS_URL },
      );
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const first = lines[0] as { url: string; coordinators: string[]; workers: number };
      expect(first.coordinators).toHaveLength(3);
      expect(first.coordinators[0]).toBe(first.url);
      expect(first.workers).toBe(3);
      const last = lines.at(-1) as {
        final: boolean;
        requests: { ok: number; failed: number };
        nodes: { id: string; health: string }[];
        coordinators: Row[];
      };
      expect(last.final).toBe(true);
      expect(last.requests.failed).toBe(0);
      expect(last.nodes.map((n) => [n.id, n.health])).toEqual([
        ['w1', 'fresh'],
        ['w2', 'fresh'],
        ['w3', 'fresh'],
      ]);
      const rows = last.coordinators;
      expect(rows.map((r) => r.url)).toEqual(first.coordinators);
      for (const r of rows) {
        expect([r.connected, r.peers, r.failed]).toEqual([true, 2, 0]);
        expect(r.ok).toBeGreaterThan(0);
      }
      // Sent in turn: the three counts differ by at most one.
      const sent = rows.map((r) => r.sent);
      expect(Math.max(...sent) - Math.min(...sent)).toBeLessThanOrEqual(1);
      expect(rows.filter((r) => r.holdsWarmsetLease)).toHaveLength(1);
      for (const url of first.coordinators) await expect(request(`${url}/healthz`)).rejects.toThrow();
    },
    120_000,
  );

  it('exits 2 naming the NATS URL when nothing answers there, before starting anything', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const err = await run(['--coordinators', '3', '--data-dir', join(tmp.dir, 'none')], {
      NATS_URL: url,
    }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain(`nothing answers at ${url}`);
    expect(err?.stderr).not.toMatch(/\n\s+at /);
  });
});
