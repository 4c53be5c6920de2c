/**
 * What accepting heartbeats costs the NATS store: every heartbeat a coordinator accepts advances the
 * node's sequence floor by compare-and-set on its KV entry (`NatsStore.advanceSeq`: a read and a write
 * at the revision read), so one sequence is accepted once across coordinators. bench:cluster publishes
 * heartbeats at the message level and leaves this out; this bench measures it alone.
 *
 * Seeds --nodes N (1000) under a fresh prefix, then keeps --concurrency C (64) advances in flight over
 * random nodes for --seconds S (8), and prints one JSON line: advances per second, latency p50/p99 (ms),
 * this process's CPU per advance (µs) and the NATS server's CPU per advance when its pid is readable
 * (pidof nats-server). Deletes what it created. Needs JetStream at NATS_URL (default nats://127.0.0.1:4222).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { quantileSorted } from '../src/stats/quantile.js';
import { NatsStore } from '../src/store/nats-store.js';
import { generateIdentity } from '../src/wire/identity.js';
import { parseFlags, positiveNumber } from './args.js';

const BENCH = 'bench:kv-seq';
const values = parseFlags(BENCH, {
  nodes: { type: 'string', default: '1000' },
  concurrency: { type: 'string', default: '64' },
  seconds: { type: 'string', default: '8' },
});
const NODES = positiveNumber(BENCH, '--nodes', values.nodes, { integer: true });
const CONCURRENCY = positiveNumber(BENCH, '--concurrency', values.concurrency, { integer: true });
const SECONDS = positiveNumber(BENCH, '--seconds', values.seconds);
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** CPU seconds (user + system) of a process, from /proc (clock ticks of 1/100 s). */
function cpuOf(pid: number): number | undefined {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}

function natsPid(): number | undefined {
  try {
    const pids = execFileSync('pidof', ['nats-server'], { encoding: 'utf8' }).trim().split(/\s+/);
    return pids.length === 1 ? Number(pids[0]) : undefined;
  } catch {
    return undefined;
  }
}

const store = new NatsStore({ servers: NATS_URL, prefix: `bench_kvseq_${process.pid}` });
try {
  const key = generateIdentity().publicKeyText;
  const now = Date.now();
  for (let k = 0; k < NODES; k += 500)
    await Promise.all(
      Array.from({ length: Math.min(500, NODES - k) }, (_, j) =>
        store.putNode({
          id: `n${k + j}`,
          operator: 'op',
          publicKey: key,
          endpoint: `http://10.0.${(k + j) >> 8}.${(k + j) & 255}:8000`,
          descriptor: { id: `n${k + j}` } as never,
          registeredAt: now,
          updatedAt: now,
          lastSeq: 0,
        }),
      ),
    );
  const seq = new Array<number>(NODES).fill(0);
  const lat: number[] = [];
  const pid = natsPid();
  const server0 = pid === undefined ? undefined : cpuOf(pid);
  const cpu0 = process.cpuUsage();
  const end = Date.now() + SECONDS * 1000;
  let refused = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const i = Math.floor(Math.random() * NODES);
      const t0 = performance.now();
      if (!(await store.advanceSeq(`n${i}`, ++seq[i]!))) refused++;
      lat.push(performance.now() - t0);
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const span = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const server1 = pid === undefined ? undefined : cpuOf(pid);
  const sorted = Float64Array.from(lat).sort();
  const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
  console.log(
    JSON.stringify({
      nodes: NODES,
      concurrency: CONCURRENCY,
      advances_per_s: Math.round(lat.length / span),
      refused,
      latency_p50_ms: round(quantileSorted(sorted, 0.5)),
      latency_p99_ms: round(quantileSorted(sorted, 0.99)),
      client_cpu_us_per_advance: round(((cpu.user + cpu.system) / lat.length) * 1, 1),
      server_cpu_us_per_advance:
        server0 === undefined || server1 === undefined
          ? null
          : round(((server1 - server0) / lat.length) * 1e6, 1),
    }),
  );
} finally {
  await store.destroy().catch(() => {});
  await store.close();
}
