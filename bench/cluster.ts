/**
 * Several coordinators on one NATS (`npm run bench:cluster`).
 *
 * Seeds `--nodes` registered nodes (default 10,000) into the NATS store under a fresh prefix, starts
 * three coordinators (`meridian serve --nats`) as processes, and emulates the nodes' heartbeats at the
 * message level: each node heartbeats once a second (random phase), accepted by one of three emulated
 * coordinators that publish them on the view subject in batches, as a coordinator does (every 20 ms or
 * 1,000 heartbeats). Then, in the same run:
 *  1. view lag: each coordinator's p99 from a heartbeat's acceptance to its application in its view
 *     (`GET /v1/cluster`, over the last 10 s), with heartbeats flowing and no routes (and again, for
 *     information, right after the closed-loop phases of 3); the heartbeats each applied per second and
 *     the CPU it spent meanwhile (an upper bound on the CPU per heartbeat: timers and probes are in it);
 *  2. route throughput, fixed rate (the headline `scaling_per_core`): decisions sent open-loop at the same
 *     rate to each coordinator (`--rate`, 200 a second), alone and then with the two others (phases one,
 *     three, three, one, so a drift of other load weighs on both alike), a rate at which three fit within
 *     two cores; decisions per CPU-second of the coordinators that served them. Each coordinator does the
 *     same work in both, so the figure is below 1 by what coordinators cost one another: the shared NATS
 *     server (every decision's receipt is a JetStream message in one stream) and the machine's contention
 *     between processes. A decision starts no request, so in-flight counts between coordinators
 *     (`<prefix>.view.load`) are not exercised. `fixed_missed_share` is the share of requests not sent
 *     because 64 already waited at a coordinator: a run where it is not ~0 did not get the cores it
 *     needed and does not measure the design;
 *  3. route throughput, closed loop: `POST /v1/route` as fast as the coordinators answer (CONNECTIONS
 *     each) through one coordinator, then through all three at once; decisions per CPU-second of the
 *     coordinator processes that served them (utime + stime from /proc) and per CPU-second of routing
 *     (less the heartbeat cost measured in 1). Printed as `scaling_per_core_closed_loop` and
 *     `scaling_per_routing_core_closed_loop`. On a machine with fewer free cores than coordinators this
 *     compares one coordinator at full speed with three that share what is left, each at a third of the
 *     rate, over which its per-second costs (applying every heartbeat) are spread: it measures how the
 *     machine divides its cores as much as the design;
 *  4. kill: a client that retries once on the next coordinator sends decisions round robin while one
 *     coordinator is killed (SIGKILL); requests that failed on both tries are `failed_during_kill`.
 * The last line printed is one JSON object. Needs a NATS server with JetStream at NATS_URL.
 *
 * Options: --nodes N (10000) --seconds S per throughput phase (8) --lag-seconds S (10) --connections C (16)
 *          --rate R decisions per second per coordinator in the fixed-rate phases (200)
 *          --cpu-prof DIR writes V8 CPU profiles of the coordinators into DIR (node --cpu-prof; the one
 *          killed in 4 writes none: the two others, the first of which served the one-coordinator phases)
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Pool, request } from 'undici';
import { stringify } from 'yaml';
import { NatsBus } from '../src/bus/nats-bus.js';
import { type Child, Children } from '../src/fleet/children.js';
import { METROS } from '../src/geo/metros.js';
import { NatsStore } from '../src/store/nats-store.js';
import { Rng } from '../src/util/rng.js';
import { generateIdentity } from '../src/wire/identity.js';
import { parseFlags, positiveNumber } from './args.js';

const BENCH = 'bench:cluster';
const values = parseFlags(BENCH, {
  nodes: { type: 'string', default: '10000' },
  seconds: { type: 'string', default: '8' },
  'lag-seconds': { type: 'string', default: '10' },
  connections: { type: 'string', default: '16' },
  rate: { type: 'string', default: '200' },
  'cpu-prof': { type: 'string', arg: 'DIR' },
});
const NODES = positiveNumber(BENCH, '--nodes', values.nodes, { integer: true });
const SECONDS = positiveNumber(BENCH, '--seconds', values.seconds);
const LAG_SECONDS = positiveNumber(BENCH, '--lag-seconds', values['lag-seconds']);
const CONNECTIONS = positiveNumber(BENCH, '--connections', values.connections, { integer: true });
const RATE = positiveNumber(BENCH, '--rate', values.rate);
/** Pause after each fixed-rate phase, ms. */
const SETTLE_MS = 2000;
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const PREFIX = `bench_cluster_${process.pid}`;
const MODEL = 'llama-3.1-8b-instruct';
const ROUTE = JSON.stringify({
  model: MODEL,
  client: { lat: 50.1, lon: 8.7 },
  inputTokens: 200,
  outputTokens: 100,
});
/** Linux reports process CPU time in clock ticks of 1/100 s (`getconf CLK_TCK`). */
const TICKS_PER_S = 100;

const log = (s: string) => process.stdout.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** `n` nodes spread over the catalog's metros and 499 operators (independent fallbacks exist). */
async function seed(store: NatsStore, n: number): Promise<void> {
  const key = generateIdentity().publicKeyText;
  const rng = new Rng(7);
  const now = Date.now();
  for (let i = 0; i < n; i += 500) {
    const batch = [];
    for (let k = i; k < Math.min(n, i + 500); k++) {
      const m = METROS[Math.floor(rng.next() * METROS.length)]!;
      const id = `n${k}`;
      const descriptor = {
        id,
        roles: ['inference'],
        location: { lat: m.lat, lon: m.lon, metro: m.id },
        labels: {
          provider: `prov-${k % 97}`,
          asn: `asn-${k % 211}`,
          datacenter: `dc-${k % 1009}`,
          operator: { value: `op-${k % 499}`, provenance: 'attested' },
          country: m.country,
        },
        hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
        slots: 8,
      };
      const endpoint = `http://10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}:8000`;
      batch.push(
        store.putNode({
          id,
          operator: `op-${k % 499}`,
          publicKey: key,
          endpoint,
          descriptor,
          registeredAt: now,
          updatedAt: now,
          lastSeq: 0,
        }),
      );
    }
    await Promise.all(batch);
  }
}

/** Heartbeats of `n` nodes, once a second each, published by three emulated coordinators in batches. */
function heartbeats(bus: NatsBus, n: number): { stop(): void; sent(): number } {
  const publishers = ['bench-a', 'bench-b', 'bench-c'];
  const batches = publishers.map(() => [] as [unknown, number][]);
  const phase = Float64Array.from({ length: n }, (_, i) => (i * 1000) / n);
  const seq = new Float64Array(n).fill(Date.now() * 1000);
  const start = Date.now();
  let sent = 0;
  let next = 0;
  let round = 0;
  const flush = (p: number) => {
    if (batches[p]!.length === 0) return;
    bus.publish(
      `${PREFIX}.view.beats`,
      Buffer.from(JSON.stringify({ from: publishers[p], beats: batches[p] })),
    );
    batches[p] = [];
  };
  const tick = setInterval(() => {
    const now = Date.now();
    // Every node whose second came since the last tick heartbeats now; accepted at its own due time.
    while (start + round * 1000 + phase[next]! <= now) {
      const i = next;
      const at = start + round * 1000 + phase[i]!;
      const hb = {
        nodeId: `n${i}`,
        seq: ++seq[i]!,
        sentAt: at,
        models: [{ id: MODEL, state: 'warm' }],
        slots: 8,
        inFlight: i % 3,
        queue: 0,
        rtt: [],
      };
      const p = i % 3;
      batches[p]!.push([hb, at]);
      if (batches[p]!.length >= 1000) flush(p);
      sent++;
      if (++next === n) {
        next = 0;
        round++;
      }
    }
  }, 1);
  const flusher = setInterval(() => {
    for (let p = 0; p < publishers.length; p++) flush(p);
  }, 20);
  return {
    stop() {
      clearInterval(tick);
      clearInterval(flusher);
    },
    sent: () => sent,
  };
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

/** What a throughput phase measured over its `targets`: decisions answered 200, their CPU-seconds, wall s. */
interface Phase {
  ok: number;
  cpu: number;
  wall: number;
  /** CPU-seconds the targets would have spent applying heartbeats alone meanwhile (`background` × wall). */
  heartbeatCpu: number;
  errors: number;
  /** Fixed rate only: requests not sent because MAX_OUTSTANDING were already waiting (falling behind). */
  missed: number;
  /** Fixed rate only: requests due. */
  due: number;
}

/** Phases of the same targets added up (rounds of one measurement). */
const sum = (ps: Phase[]): Phase =>
  ps.reduce((s, p) => ({
    ok: s.ok + p.ok,
    cpu: s.cpu + p.cpu,
    wall: s.wall + p.wall,
    heartbeatCpu: s.heartbeatCpu + p.heartbeatCpu,
    errors: s.errors + p.errors,
    missed: s.missed + p.missed,
    due: s.due + p.due,
  }));
const rps = (p: Phase) => p.ok / p.wall;
/** Decisions per CPU-second of the coordinators that served them. */
const perCpuS = (p: Phase) => p.ok / p.cpu;
/** Decisions per CPU-second of routing: the CPU less what applying heartbeats alone cost them. */
const perRoutingCpuS = (p: Phase) => p.ok / (p.cpu - p.heartbeatCpu);

/** `measure` with the targets' CPU-seconds (utime + stime) and wall time around it. */
async function measured(
  targets: Child[],
  background: number[],
  measure: () => Promise<Pick<Phase, 'ok' | 'errors' | 'missed' | 'due'>>,
): Promise<Phase> {
  const cpu0 = targets.map((c) => cpuSeconds(c.proc.pid!));
  const t0 = performance.now();
  const r = await measure();
  const wall = (performance.now() - t0) / 1000;
  const cpu = targets.reduce((s, c, i) => s + cpuSeconds(c.proc.pid!) - cpu0[i]!, 0);
  const heartbeatCpu = background.reduce((s, b) => s + b * wall, 0);
  return { ...r, cpu, wall, heartbeatCpu };
}

/** Decisions driven closed-loop through `targets` for SECONDS (CONNECTIONS each, as fast as they answer). */
function closedLoop(targets: Child[], background: number[]): Promise<Phase> {
  return measured(targets, background, async () => {
    const runs = await Promise.all(
      targets.map((c) =>
        autocannon({
          url: `${c.url}/v1/route`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: ROUTE,
          connections: CONNECTIONS,
          duration: SECONDS,
        }),
      ),
    );
    return {
      ok: runs.reduce((s, r) => s + r['2xx'], 0),
      errors: runs.reduce((s, r) => s + r.errors + r.timeouts + r.non2xx, 0),
      missed: 0,
      due: 0,
    };
  });
}

/** Requests one coordinator may have waiting in the fixed-rate phase; beyond it a due request is missed. */
const MAX_OUTSTANDING = 64;

/**
 * Decisions sent open-loop at `rate` per second to each of `targets` for SECONDS: evenly spaced, sent
 * whether or not earlier ones were answered (at most MAX_OUTSTANDING waiting per coordinator; a request
 * due beyond that is counted missed, not sent). Measured until the last answer came.
 */
async function fixedRate(targets: Child[], background: number[], rate: number): Promise<Phase> {
  const pools = targets.map((c) => new Pool(c.url, { connections: MAX_OUTSTANDING }));
  const phase = await measured(targets, background, async () => {
    const sent = targets.map(() => 0);
    const waiting = targets.map(() => 0);
    let ok = 0;
    let errors = 0;
    let missed = 0;
    const send = async (k: number) => {
      waiting[k]!++;
      try {
        const r = await pools[k]!.request({
          path: '/v1/route',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: ROUTE,
        });
        await r.body.dump();
        if (r.statusCode === 200) ok++;
        else errors++;
      } catch {
        errors++;
      } finally {
        waiting[k]!--;
      }
    };
    const t0 = performance.now();
    await new Promise<void>((done) => {
      const tick = setInterval(() => {
        const elapsed = Math.min(SECONDS, (performance.now() - t0) / 1000);
        const due = Math.floor(elapsed * rate);
        for (let k = 0; k < targets.length; k++)
          for (; sent[k]! < due; sent[k]!++) {
            if (waiting[k]! >= MAX_OUTSTANDING) missed++;
            else void send(k);
          }
        if (elapsed >= SECONDS && waiting.every((w) => w === 0)) {
          clearInterval(tick);
          done();
        }
      }, 2);
    });
    return { ok, errors, missed, due: sent.reduce((a, b) => a + b, 0) };
  });
  await Promise.all(pools.map((p) => p.close()));
  return phase;
}

/** Round-robin decisions, each retried once on the next coordinator, while `victim` is killed. */
async function killRun(cs: Child[], victim: Child): Promise<{ failed: number; sent: number }> {
  const send = async (c: Child) => {
    try {
      const r = await request(`${c.url}/v1/route`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: ROUTE,
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
      await r.body.dump();
      return r.statusCode === 200;
    } catch {
      return false;
    }
  };
  let failed = 0;
  let sent = 0;
  let i = 0;
  const end = Date.now() + 6000;
  setTimeout(() => victim.proc.kill('SIGKILL'), 2000);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < end) {
        const k = i++;
        sent++;
        if (!(await send(cs[k % 3]!)) && !(await send(cs[(k + 1) % 3]!))) failed++;
      }
    }),
  );
  return { failed, sent };
}

async function lagOf(c: Child): Promise<{ p50: number; p99: number; samples: number }> {
  try {
    const r = await request(`${c.url}/v1/cluster`, { headersTimeout: 30_000, bodyTimeout: 30_000 });
    return ((await r.body.json()) as { viewLagMs: { p50: number; p99: number; samples: number } }).viewLagMs;
  } catch {
    return { p50: Number.NaN, p99: Number.NaN, samples: 0 }; // a coordinator too far behind to answer
  }
}

async function main(): Promise<void> {
  const dir = join(tmpdir(), `meridian-bench-cluster-${process.pid}`);
  const children = new Children();
  const store = new NatsStore({ servers: NATS_URL, prefix: PREFIX });
  const bus = await NatsBus.connect({ servers: NATS_URL, name: 'meridian-bench' });
  let beats: { stop(): void; sent(): number } | undefined;
  const cleanup = async () => {
    beats?.stop();
    // A coordinator writes its CPU profile as it exits: give it time to.
    await children.stopAll(values['cpu-prof'] === undefined ? 3000 : 60_000);
    await bus.close();
    await store.destroy().catch(() => {});
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      children.killAllNow();
      process.exit(130);
    });
  try {
    log(`seeding ${NODES} nodes under prefix ${PREFIX} on ${NATS_URL} …`);
    await seed(store, NODES);
    const config = join(dir, 'coordinator.yaml');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      config,
      stringify({
        listen: { host: '127.0.0.1', port: 0 },
        secret: 'bench-cluster-secret-0123456789abcdef',
        gateway: { probes: { intervalMs: 0 } },
        limits: { perIp: { perSecond: 1e9, burst: 1e9 } },
        cluster: { nats: [NATS_URL], prefix: PREFIX },
      }),
    );
    const cs = await Promise.all(
      [0, 1, 2].map((i) =>
        children.spawn(`coordinator-${i}`, ['serve', '--config', config], {
          readyTimeoutMs: 180_000,
          ...(values['cpu-prof'] === undefined
            ? {}
            : { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] }),
        }),
      ),
    );
    log(`3 coordinators up with ${NODES} nodes; heartbeats at ${NODES}/s …`);
    beats = heartbeats(bus, NODES);
    const beatsFrom = Date.now();
    await sleep(3000);
    // Heartbeats only: the view lag, and what applying them costs each coordinator (CPU-s per s).
    const t0 = Date.now();
    const sent0 = beats.sent();
    const cpu0 = cs.map((c) => cpuSeconds(c.proc.pid!));
    await sleep(LAG_SECONDS * 1000);
    const quiet = (Date.now() - t0) / 1000;
    const background = cs.map((c, i) => (cpuSeconds(c.proc.pid!) - cpu0[i]!) / quiet);
    const hbRate = (beats.sent() - sent0) / quiet;
    const lags = await Promise.all(cs.map(lagOf));
    // The lag window is the last 10 s (or since heartbeats began): its samples are what each applied then.
    const applied = lags.map((l) => l.samples / Math.min(10, (Date.now() - beatsFrom) / 1000));
    log(
      `view lag p99 per coordinator (ms): ${lags.map((l) => l.p99).join(', ')}; applying heartbeats costs ${background.map((b) => round(b, 3)).join(', ')} CPU-s/s`,
    );
    const show = (label: string, p: Phase) =>
      log(
        `${label}: ${round(rps(p))} decisions/s, ${round(perCpuS(p))} per CPU-second${p.due > 0 ? '' : `, ${round(perRoutingCpuS(p))} per routing CPU-second`} (${p.errors} errors${p.due > 0 ? `, ${p.missed} of ${p.due} missed` : ''})`,
      );
    // Fixed rate: the same rate per coordinator alone and with two others. One, three, three, one: a drift
    // of the machine's other load over the four phases weighs on both figures alike; a pause after each
    // lets receipts still on their way to the store go before the next phase's CPU is counted.
    const fixed = { one: [] as Phase[], three: [] as Phase[] };
    for (const n of [1, 3, 3, 1]) {
      const p = await fixedRate(cs.slice(0, n), background.slice(0, n), RATE);
      show(`${n} coordinator${n === 1 ? '' : 's'} at ${RATE}/s each`, p);
      (n === 1 ? fixed.one : fixed.three).push(p);
      await sleep(SETTLE_MS);
    }
    const fixedOne = sum(fixed.one);
    const fixedThree = sum(fixed.three);
    // Closed loop: as fast as the coordinators answer, one alone and then three at once.
    const one = await closedLoop([cs[0]!], background.slice(0, 1));
    show('1 coordinator, closed loop', one);
    const three = await closedLoop(cs, background);
    show('3 coordinators, closed loop', three);
    const loaded = await Promise.all(cs.map(lagOf));
    const kill = await killRun(cs, cs[2]!);
    log(`kill -9 of one coordinator: ${kill.failed} of ${kill.sent} requests failed after one retry`);
    log(
      JSON.stringify({
        coordinators: 3,
        nodes: NODES,
        heartbeats_per_s: Math.round(hbRate),
        view_lag_p50_ms: Math.max(...lags.map((l) => l.p50)),
        view_lag_p99_ms: Math.max(...lags.map((l) => l.p99)),
        view_lag_p99_ms_under_route_load: Math.max(...loaded.map((l) => l.p99)),
        heartbeat_cpu_s_per_s: round(Math.max(...background), 3),
        heartbeats_applied_per_s: Math.round(Math.min(...applied)),
        apply_cpu_us_per_heartbeat: round(Math.max(...background.map((b, i) => (b / applied[i]!) * 1e6)), 2),
        rate_per_coordinator: RATE,
        fixed_rps_one: round(rps(fixedOne)),
        fixed_rps_three: round(rps(fixedThree)),
        fixed_missed_share: round((fixedOne.missed + fixedThree.missed) / (fixedOne.due + fixedThree.due), 4),
        decisions_per_cpu_s_one: round(perCpuS(fixedOne)),
        decisions_per_cpu_s_three: round(perCpuS(fixedThree)),
        scaling_per_core: round(perCpuS(fixedThree) / perCpuS(fixedOne), 3),
        route_rps_one: round(rps(one)),
        route_rps_total: round(rps(three)),
        closed_decisions_per_cpu_s_one: round(perCpuS(one)),
        closed_decisions_per_cpu_s_three: round(perCpuS(three)),
        scaling_per_core_closed_loop: round(perCpuS(three) / perCpuS(one), 3),
        closed_decisions_per_routing_cpu_s_one: round(perRoutingCpuS(one)),
        closed_decisions_per_routing_cpu_s_three: round(perRoutingCpuS(three)),
        scaling_per_routing_core_closed_loop: round(perRoutingCpuS(three) / perRoutingCpuS(one), 3),
        route_errors: fixedOne.errors + fixedThree.errors + one.errors + three.errors,
        failed_during_kill: kill.failed,
        requests_during_kill: kill.sent,
        cores: cpus().length,
      }),
    );
  } finally {
    await cleanup();
  }
}

await main();
