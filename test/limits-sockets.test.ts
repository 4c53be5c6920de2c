import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { builtMain, TOKEN_A, tempDir, writeYaml } from './server-kit.js';

/**
 * Issue 10, item 4: idle sockets. A real coordinator process (the point is its sockets and file
 * descriptors), started with at most 1,024 open files as many hosts allow by default.
 */
const tmp = tempDir('limits-sockets');
const procs: ChildProcess[] = [];
const sockets: Socket[] = [];
afterAll(() => {
  for (const s of sockets) s.destroy();
  for (const p of procs) p.kill('SIGKILL');
  tmp.remove();
});

async function startCoordinator(name: string, limits: Record<string, unknown> = {}): Promise<string> {
  const config = writeYaml(join(tmp.dir, `${name}.yaml`), {
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: ':memory:',
    operators: [{ id: 'op-a', token: TOKEN_A }],
    gateway: { probes: { intervalMs: 0 } },
    limits,
  });
  const script = `ulimit -n 1024 && exec "${process.execPath}" "${builtMain()}" serve --config "${config}" --json`;
  const proc = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  const line = await new Promise<string>((res, rej) => {
    createInterface({ input: proc.stdout! }).once('line', res);
    proc.once('exit', (code) => rej(new Error(`coordinator exited ${code}`)));
  });
  return (JSON.parse(line) as { url: string }).url;
}

function openIdle(url: string, n: number): Promise<{ closed: () => number }> {
  const { hostname, port } = new URL(url);
  let closed = 0;
  let open = 0;
  return new Promise((res) => {
    for (let k = 0; k < n; k++) {
      const s = connect(Number(port), hostname);
      sockets.push(s);
      s.on('error', () => {});
      s.once('close', () => closed++);
      s.once('connect', () => {
        if (++open === n) res({ closed: () => closed });
      });
    }
  });
}

async function timed(url: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  try {
    const res = await request(`${url}/v1/models`, { headersTimeout: 15_000, bodyTimeout: 15_000 });
    await res.body.dump();
    return { status: res.statusCode, ms: performance.now() - t0 };
  } catch {
    return { status: 0, ms: performance.now() - t0 };
  }
}

describe('idle sockets', () => {
  it('1,100 idle sockets do not keep a new gateway request out for more than 3 s (cap 512: the oldest idle ones are closed)', async () => {
    const url = await startCoordinator('cap');
    const idle = await openIdle(url, 1100);
    const r = await timed(url);
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(3000);
    // At most 512 sockets stay open: the coordinator closed the rest.
    await new Promise((res) => setTimeout(res, 200));
    expect(idle.closed()).toBeGreaterThanOrEqual(1100 - 512);
  }, 60_000);

  it('closes a socket that sends no request for connectionTimeoutMs = 1000 within 3 s', async () => {
    const url = await startCoordinator('timeout', { connectionTimeoutMs: 1000 });
    const idle = await openIdle(url, 1);
    const t0 = performance.now();
    while (idle.closed() === 0 && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
    expect(idle.closed()).toBe(1);
    expect(performance.now() - t0).toBeLessThan(3000);
  }, 30_000);
});
