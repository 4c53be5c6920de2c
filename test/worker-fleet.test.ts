import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLEET } from '../src/cli/start.js';
import { loadFleet } from '../src/fleet/fleet.js';
import { builtMain, TOKEN_A, tempDir, workerProfile, writeYaml } from './server-kit.js';

const tmp = tempDir('fleet');
afterAll(() => tmp.remove());

describe('the example fleet', () => {
  it('has 16 workers on 5 continents, each with its operator token, and two sharing an upstream', () => {
    const fleet = loadFleet(join(process.cwd(), 'examples', 'fleet', 'fleet.yaml'));
    expect(DEFAULT_FLEET.endsWith(join('examples', 'fleet', 'fleet.yaml'))).toBe(true);
    expect(fleet.workers).toHaveLength(16);
    const tokens = new Map(fleet.config.operators.map((o) => [o.id, o.token]));
    for (const w of fleet.workers) expect(tokens.get(w.node.labels.operator.value)).toBeDefined();
    const upstream = fleet.workers
      .filter((w) => w.node.labels.upstream?.value === 'acme-api')
      .map((w) => w.node.id);
    expect(upstream).toEqual(['api-1', 'api-2']);
    const byId = new Map(fleet.workers.map((w) => [w.node.id, w]));
    // Same metro as the coordinator: only the geo model's access term, 8.755 ms → 9 ms.
    expect(byId.get('fra-1')!.delayMs).toBe(9);
    expect(byId.get('syd-1')!.delayMs).toBeGreaterThan(byId.get('nyc-1')!.delayMs);
    // Delays follow each request's client (delays: geo): every worker runs with --client-rtt.
    expect(fleet.workers.every((w) => w.clientRtt)).toBe(true);
  });
});

describe('meridian start', () => {
  it('runs a small fleet with traffic, prints the gateway and dashboard URLs and summaries, and stops every process', async () => {
    const main = builtMain();
    writeYaml(join(tmp.dir, 'coordinator.yaml'), {
      listen: { host: '127.0.0.1', port: 0 },
      operators: [{ id: 'op-a', token: TOKEN_A }],
      gateway: { probes: { intervalMs: 0 } },
    });
    writeYaml(join(tmp.dir, 'workers', 'w1.yaml'), workerProfile('w1', 'op-a', { tokensPerSec: 1000 }));
    writeYaml(join(tmp.dir, 'workers', 'w2.yaml'), workerProfile('w2', 'op-a', { tokensPerSec: 1000 }));
    const fleet = writeYaml(join(tmp.dir, 'fleet.yaml'), {
      coordinator: 'coordinator.yaml',
      workers: 'workers',
      traffic: {
        rate: 20,
        clients: ['frankfurt', 'tokyo'],
        models: { 'llama-3.1-8b-instruct': 1 },
        maxTokens: [2, 4],
      },
    });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        main,
        'start',
        '--fleet',
        fleet,
        '--port',
        '0',
        '--duration',
        '3',
        '--data-dir',
        join(tmp.dir, 'data'),
        '--json',
      ],
      { timeout: 60_000 },
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const first = lines[0] as { url: string; dashboard: string; workers: number };
    expect(first.workers).toBe(2);
    expect(first.dashboard).toBe(`${first.url}/ui`);
    const last = lines.at(-1) as {
      final: boolean;
      requests: { ok: number; failed: number };
      nodes: { id: string; health: string; warm: string[] }[];
    };
    expect(last.final).toBe(true);
    expect(last.requests.ok).toBeGreaterThan(0);
    expect(last.requests.failed).toBe(0);
    expect(last.nodes.map((n) => [n.id, n.health, n.warm])).toEqual([
      ['w1', 'fresh', ['llama-3.1-8b-instruct']],
      ['w2', 'fresh', ['llama-3.1-8b-instruct']],
    ]);
    // Everything it started is gone: the gateway no longer answers.
    await expect(request(`${first.url}/healthz`)).rejects.toThrow();
  });
});

/** Pids of processes whose command line has an argument equal to `arg` (Linux: from /proc). */
function pidsWithArg(arg: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(arg)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe.skipIf(!existsSync('/proc/self/cmdline'))('meridian start, a worker ending', () => {
  it('says in the summary which worker ended, how, and its last line (w2 killed with SIGKILL after the fleet is ready)', async () => {
    const dir = join(tmp.dir, 'ending');
    writeYaml(join(dir, 'coordinator.yaml'), {
      listen: { host: '127.0.0.1', port: 0 },
      operators: [{ id: 'op-a', token: TOKEN_A }],
      gateway: { probes: { intervalMs: 0 } },
    });
    writeYaml(join(dir, 'workers', 'w1.yaml'), workerProfile('w1', 'op-a', { tokensPerSec: 1000 }));
    const w2 = writeYaml(
      join(dir, 'workers', 'w2.yaml'),
      workerProfile('w2', 'op-a', { tokensPerSec: 1000 }),
    );
    const fleet = writeYaml(join(dir, 'fleet.yaml'), {
      coordinator: 'coordinator.yaml',
      workers: 'workers',
      traffic: { rate: 1, clients: ['frankfurt'], models: { 'llama-3.1-8b-instruct': 1 } },
    });
    const args = ['start', '--fleet', fleet, '--port', '0', '--duration', '4', '--no-traffic'];
    const proc = spawn(process.execPath, [builtMain(), ...args, '--data-dir', join(dir, 'data'), '--json']);
    let out = '';
    let err = '';
    proc.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    let killed: number[] = [];
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (killed.length === 0 && out.includes('\n')) {
        killed = pidsWithArg(w2);
        for (const pid of killed) process.kill(pid, 'SIGKILL');
      }
    });
    const code = await new Promise<number | null>((r) => proc.once('exit', r));
    expect([code, killed.length, err]).toEqual([0, 1, expect.any(String)]);
    const last = JSON.parse(out.trim().split('\n').at(-1)!) as {
      final: boolean;
      exited?: { name: string; code: number | string; said: string }[];
    };
    expect(last.final).toBe(true);
    expect(last.exited?.map((x) => [x.name, x.code])).toEqual([['worker w2', 'SIGKILL']]);
    expect(typeof last.exited?.[0]?.said).toBe('string');
  });
});
