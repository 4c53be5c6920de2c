import { spawn } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { CoordinatorClient } from '../src/agent/coordinator-client.js';
import { Children } from '../src/fleet/children.js';
import { SQLITE_FILE, SqliteStore } from '../src/store/sqlite-store.js';
import { generateIdentity } from '../src/wire/identity.js';
import { builtMain, descriptor, LOOPBACK, startWorker, TOKEN_A, tempDir, writeYaml } from './server-kit.js';

/**
 * Issue 10, item 6, across the process boundary: another process holding the SQLite write lock, a
 * read-only database, and receipts lost to a hard kill.
 */
const children = new Children();
const tmp = tempDir('store-process');
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
  await children.stopAll();
  tmp.remove();
});

const MODEL = 'llama-3.1-8b-instruct';
const driver = createRequire(import.meta.url).resolve('better-sqlite3');

function configFile(name: string): string {
  return writeYaml(join(tmp.dir, name, 'coordinator.yaml'), {
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: 'data',
    registry: { allowEndpoints: LOOPBACK },
    operators: [{ id: 'op-a', token: TOKEN_A }],
    gateway: { probes: { intervalMs: 0 } },
  });
}

/** A coordinator process with one registered, warm node; `beat()` sends its next heartbeat. */
async function coordinatorWithNode(name: string) {
  const config = configFile(name);
  const coord = await children.spawn(name, ['serve', '--config', config], { main: builtMain() });
  const key = generateIdentity();
  const backend = await startWorker({}, { key });
  closers.push(() => backend.close());
  const client = new CoordinatorClient(coord.url, key);
  closers.push(() => client.close());
  const reg = await client.register(TOKEN_A, descriptor('n1'), backend.url, Date.now());
  let seq = reg.lastSeq;
  const beat = () =>
    client.heartbeat({
      nodeId: 'n1',
      seq: ++seq,
      sentAt: Date.now(),
      models: [{ id: MODEL, state: 'warm' as const }],
      slots: 8,
      inFlight: 0,
      queue: 0,
    });
  await beat();
  return { coord, config, beat, db: join(tmp.dir, name, 'data', SQLITE_FILE) };
}

/** Another process that takes the database's write lock (BEGIN EXCLUSIVE) and holds it `ms`. */
async function holdLock(db: string, ms: number): Promise<Promise<void>> {
  const script = `
    const Database = require(process.argv[1]);
    const db = new Database(process.argv[2]);
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[3]));
    db.exec('COMMIT');
    db.close();`;
  const proc = spawn(process.execPath, ['-e', script, driver, db, String(ms)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const done = new Promise<void>((res) => proc.once('exit', () => res()));
  await new Promise<void>((res) => createInterface({ input: proc.stdout! }).once('line', () => res()));
  return done;
}

async function timedGet(url: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await request(url);
  await res.body.dump();
  return { status: res.statusCode, ms: performance.now() - t0 };
}

describe('the store under faults (processes)', () => {
  it('answers /healthz within 1 s and accepts heartbeats while another process holds the write lock for 5 s', async () => {
    const { coord, beat, db } = await coordinatorWithNode('lock');
    const released = await holdLock(db, 5000);
    const timings: number[] = [];
    const beats: Promise<unknown>[] = [];
    for (let k = 0; k < 6; k++) {
      beats.push(beat());
      const h = await timedGet(`${coord.url}/healthz`);
      timings.push(h.ms);
      await new Promise((r) => setTimeout(r, 300));
    }
    await Promise.all(beats); // every heartbeat accepted (the client throws on a refusal)
    expect(Math.max(...timings)).toBeLessThan(1000);
    await released;
  }, 60_000);

  it('exits 2 at start naming the database when it cannot be written', async () => {
    const dir = join(tmp.dir, 'readonly');
    const config = configFile('readonly');
    new SqliteStore(join(dir, 'data')).close();
    const file = join(dir, 'data', SQLITE_FILE);
    chmodSync(file, 0o444);
    // Root writes any file: the coordinator then runs as nobody, who may create files beside it only.
    chmodSync(join(dir, 'data'), 0o777);
    chmodSync(dir, 0o755);
    chmodSync(tmp.dir, 0o711);
    chmodSync(dirname(tmp.dir), 0o711);
    const asRoot = process.getuid?.() === 0;
    const proc = spawn(process.execPath, [builtMain(), 'serve', '--config', config, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((res) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        res(null);
      }, 20_000);
      proc.once('exit', (c) => {
        clearTimeout(timer);
        res(c);
      });
    });
    expect(out).toContain(SQLITE_FILE);
    expect(out).toContain('cannot be written');
    expect(out).not.toMatch(/\n\s+at /); // no stack trace
    expect(code).toBe(2);
  }, 30_000);

  it('loses to a hard kill only receipts answered in the last 250 ms (flushMs 25 + the batch in the writer thread)', async () => {
    const { coord, config } = await coordinatorWithNode('kill');
    const answered: { id: string; at: number }[] = [];
    const body = JSON.stringify({
      model: MODEL,
      client: { lat: 50, lon: 8 },
      inputTokens: 1,
      outputTokens: 1,
    });
    const until = performance.now() + 1500;
    const send = async () => {
      while (performance.now() < until) {
        const res = await request(`${coord.url}/v1/route`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const { receiptId } = (await res.body.json()) as { receiptId: string };
        answered.push({ id: receiptId, at: performance.now() });
      }
    };
    await Promise.all([send(), send(), send(), send()]);
    coord.proc.kill('SIGKILL');
    const killedAt = performance.now();
    await coord.exited;
    const again = await children.spawn('kill (restarted)', ['serve', '--config', config], {
      main: builtMain(),
    });
    const lost: { id: string; at: number }[] = [];
    for (const a of answered) {
      const res = await request(`${again.url}/v1/receipts/${a.id}`);
      await res.body.dump();
      if (res.statusCode === 404) lost.push(a);
      else expect(res.statusCode).toBe(200);
    }
    console.log(`receipts lost to a hard kill: ${lost.length} of ${answered.length}`);
    expect(answered.length).toBeGreaterThan(50);
    for (const l of lost) expect(killedAt - l.at).toBeLessThan(250);
  }, 60_000);
});
