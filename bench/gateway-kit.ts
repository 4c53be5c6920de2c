/**
 * What the gateway benches share: the coordinator and worker they start (one emulated worker that answers
 * at once, registered on loopback), the request they send, and how they read a process's CPU time.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { stringify } from 'yaml';
import { Children } from '../src/fleet/children.js';

export const MODEL = 'llama-3.1-8b-instruct';
export const TOKEN = 'bench-operator-token-0123456789';
export const BODY = JSON.stringify({
  model: MODEL,
  messages: [{ role: 'user', content: 'ping' }],
  max_tokens: 4,
});

/** A coordinator config (SQLite in `dir/data`, any port) and a worker profile serving `MODEL`, in `dir`. */
export function writeConfigs(dir: string): { config: string; profile: string } {
  const config = join(dir, 'coordinator.yaml');
  writeFileSync(
    config,
    stringify({
      listen: { host: '127.0.0.1', port: 0 },
      dataDir: join(dir, 'data'),
      operators: [{ id: 'bench', token: TOKEN }],
      gateway: { connectionsPerNode: 256 },
      // The worker's endpoint is on loopback, refused unless allow-listed.
      registry: { allowEndpoints: ['127.0.0.0/8'] },
    }),
  );
  const profile = join(dir, 'worker.yaml');
  writeFileSync(
    profile,
    stringify({
      flavor: 'vllm',
      tokensPerSec: 0,
      prefillTokensPerSec: 0,
      slots: 4096,
      queueLimit: 100_000,
      models: [{ id: MODEL }],
      node: {
        id: 'bench-1',
        roles: ['inference'],
        location: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
        labels: { provider: 'local', asn: 64512, datacenter: 'loopback', operator: 'bench', country: 'DE' },
        hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
        slots: 4096,
      },
    }),
  );
  return { config, profile };
}

/** Sends `BODY` as a chat completion through `pool`; true when answered 200. Never throws. */
export function chatSender(pool: Pool): () => Promise<boolean> {
  return async () => {
    try {
      const res = await pool.request({
        method: 'POST',
        path: '/v1/chat/completions',
        headers: { 'content-type': 'application/json' },
        body: BODY,
      });
      await res.body.dump();
      return res.statusCode === 200;
    } catch {
      return false;
    }
  };
}

/** CPU time (user + system) a process has used, ms, from /proc (Linux); NaN elsewhere. */
export function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Waits (up to 20 s) until the coordinator at `url` lists a warm replica of its first model. */
export async function waitWarm(url: string): Promise<void> {
  const end = Date.now() + 20_000;
  const pool = new Pool(url);
  try {
    while (Date.now() < end) {
      const res = await pool.request({ method: 'GET', path: '/v1/models' });
      const body = (await res.body.json()) as { data: { warm_replicas: number }[] };
      if ((body.data[0]?.warm_replicas ?? 0) > 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the worker never became warm at the coordinator ${url}`);
  } finally {
    await pool.close();
  }
}

/**
 * A temporary directory and the processes a bench starts in it: `cleanup` stops them and removes the
 * directory; Ctrl-C kills them at once.
 */
export function benchSandbox(prefix: string): {
  dir: string;
  children: Children;
  cleanup: () => Promise<void>;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const children = new Children();
  process.once('SIGINT', () => {
    children.killAllNow();
    process.exit(130);
  });
  const cleanup = async () => {
    await children.stopAll(3000);
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, children, cleanup };
}
