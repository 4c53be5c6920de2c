/**
 * Gateway overhead benchmark (`npm run bench:gateway`).
 *
 * Starts one emulated worker (instant answers) and a coordinator with SQLite, as separate processes on
 * 127.0.0.1. Then, in the same run:
 *  1. offers the same fixed request rate (open loop, `src/worker/paced.ts`) directly to the worker and
 *     through the gateway, alternating blocks, and reports the latency the gateway adds at p50 and p99,
 *     and CPU per request: the coordinator's on the gateway blocks (`gateway_cpu_us_per_request`, it
 *     serves the client and is a client of the node) and the worker's on the direct blocks
 *     (`direct_cpu_us_per_request`, one HTTP server answering at once: the floor of a Node proxy's cost),
 *     and the connections each pool had to open during them (`connections_opened_*`: none while the
 *     servers keep idle connections open longer than the blocks last);
 *  2. the same on fresh connections: a new pool of C connections per 1 s block, alternating targets, and
 *     the latency the gateway adds at p99 in that first second (`added_p99_cold_ms`);
 *  3. streams: `--streams` concurrent streamed answers of 200 tokens each, back to back, through the
 *     gateway and directly; SSE data events relayed per second (`stream_chunks_per_s`) and per second of
 *     coordinator CPU (`stream_chunks_per_cpu_s`, what one core relays);
 *  4. drives the gateway (and the worker directly) with autocannon, closed loop, to find the highest rate
 *     it sustains without errors.
 * The last line printed is one JSON object.
 *
 * Options: --rate N (default 2000) --seconds S per measured block (default 5) --blocks B (default 2)
 *          --max-seconds S for the autocannon runs (default 5) --connections C (default 64)
 *          --cold-blocks B fresh-connection blocks per target (default 3)
 *          --streams N concurrent streams (default 32) --stream-seconds S per target (default 3)
 *          --cpu-prof DIR writes a V8 CPU profile of the coordinator into DIR (node --cpu-prof)
 */
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { quantileSorted } from '../src/stats/quantile.js';
import { paced } from '../src/worker/paced.js';
import { parseFlags, positiveNumber } from './args.js';
import {
  BODY,
  benchSandbox,
  chatSender,
  cpuMs,
  MODEL,
  TOKEN,
  waitWarm,
  writeConfigs,
} from './gateway-kit.js';
import { preciseSleeper } from './precise-sleep.js';

const BENCH = 'bench:gateway';
const values = parseFlags(BENCH, {
  rate: { type: 'string', default: '2000' },
  seconds: { type: 'string', default: '5' },
  blocks: { type: 'string', default: '2' },
  'max-seconds': { type: 'string', default: '5' },
  connections: { type: 'string', default: '64' },
  'cold-blocks': { type: 'string', default: '3' },
  streams: { type: 'string', default: '32' },
  'stream-seconds': { type: 'string', default: '3' },
  'cpu-prof': { type: 'string', arg: 'DIR' },
});
const RATE = positiveNumber(BENCH, '--rate', values.rate);
const SECONDS = positiveNumber(BENCH, '--seconds', values.seconds);
const BLOCKS = positiveNumber(BENCH, '--blocks', values.blocks, { integer: true });
const MAX_SECONDS = positiveNumber(BENCH, '--max-seconds', values['max-seconds']);
const CONNECTIONS = positiveNumber(BENCH, '--connections', values.connections, { integer: true });
const COLD_BLOCKS = positiveNumber(BENCH, '--cold-blocks', values['cold-blocks'], { integer: true });
const STREAMS = positiveNumber(BENCH, '--streams', values.streams, { integer: true });
const STREAM_SECONDS = positiveNumber(BENCH, '--stream-seconds', values['stream-seconds']);
const STREAM_TOKENS = 200;
const STREAM_BODY = JSON.stringify({
  model: MODEL,
  messages: [{ role: 'user', content: 'ping' }],
  max_tokens: STREAM_TOKENS,
  stream: true,
});

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const log = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  const { dir, children, cleanup } = benchSandbox('meridian-bench-');
  try {
    const { config, profile } = writeConfigs(dir);
    const prof = values['cpu-prof'];
    const coord = await children.spawn('coordinator', ['serve', '--config', config], {
      ...(prof === undefined ? {} : { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${prof}`] }),
    });
    const worker = await children.spawn(
      'worker',
      ['worker', '--emulate', '--profile', profile, '--coordinator', coord.url],
      {
        env: { MERIDIAN_TOKEN: TOKEN },
      },
    );
    await waitWarm(coord.url);
    log(
      `gateway ${coord.url} → worker ${worker.url}; ${RATE} requests/s, ${BLOCKS} × ${SECONDS} s blocks per target`,
    );

    const targets = { direct: worker.url, gateway: coord.url };
    const pools = {
      direct: new Pool(worker.url, { connections: 256 }),
      gateway: new Pool(coord.url, { connections: 256 }),
    };
    // The generator sleeps between sends instead of spinning a core the servers under test need.
    const sleeper = preciseSleeper();
    const sleep = sleeper.sleep;
    // Warm-up (JIT, connection pools), not recorded.
    for (const k of ['direct', 'gateway'] as const)
      await paced({ rate: RATE, durationMs: 3000, send: chatSender(pools[k]), sleep });

    // Connections the pools open during the measured blocks: with keep-alive working, none after the
    // warm-up (a server that closes idle sockets too soon makes every block reopen them, in its bursts).
    const opened = { direct: 0, gateway: 0 };
    for (const k of ['direct', 'gateway'] as const) pools[k].on('connect', () => opened[k]++);
    const lat: Record<'direct' | 'gateway', number[]> = { direct: [], gateway: [] };
    let gatewayCpuMs = 0;
    let workerCpuMs = 0;
    const fails = { direct: 0, gateway: 0 };
    const sentRate = { direct: 0, gateway: 0 };
    let generatorCpuMs = 0;
    let measuredMs = 0;
    for (let b = 0; b < BLOCKS; b++) {
      for (const k of ['direct', 'gateway'] as const) {
        const cpu0 = cpuMs(coord.proc.pid);
        const worker0 = cpuMs(worker.proc.pid);
        const own0 = process.cpuUsage();
        const t0 = performance.now();
        const r = await paced({ rate: RATE, durationMs: SECONDS * 1000, send: chatSender(pools[k]), sleep });
        const own = process.cpuUsage(own0);
        generatorCpuMs += (own.user + own.system) / 1000;
        measuredMs += performance.now() - t0;
        if (k === 'gateway') gatewayCpuMs += cpuMs(coord.proc.pid) - cpu0;
        else workerCpuMs += cpuMs(worker.proc.pid) - worker0;
        for (const v of r.latenciesMs) lat[k].push(v);
        fails[k] += r.failed;
        sentRate[k] += r.sentRate / BLOCKS;
        log(
          `  block ${b + 1} ${k.padEnd(7)} sent ${Math.round(r.sentRate)}/s ok ${r.ok} failed ${r.failed} p50 ${round(q(r.latenciesMs, 0.5))} ms p99 ${round(q(r.latenciesMs, 0.99))} ms`,
        );
      }
    }
    const stats = (k: 'direct' | 'gateway') => {
      const s = Float64Array.from(lat[k]).sort();
      return { p50: quantileSorted(s, 0.5), p99: quantileSorted(s, 0.99) };
    };
    const d = stats('direct');
    const g = stats('gateway');
    log(
      `direct  p50 ${round(d.p50)} ms  p99 ${round(d.p99)} ms  (worker CPU ${Math.round((workerCpuMs * 1000) / Math.max(1, lat.direct.length))} µs per request; ${opened.direct} connections opened)`,
    );
    log(
      `gateway p50 ${round(g.p50)} ms  p99 ${round(g.p99)} ms  (coordinator CPU ${Math.round((gatewayCpuMs * 1000) / Math.max(1, lat.gateway.length))} µs per request; ${opened.gateway} connections opened)`,
    );

    const cold: Record<'direct' | 'gateway', number[]> = { direct: [], gateway: [] };
    for (let b = 0; b < COLD_BLOCKS; b++)
      for (const k of ['direct', 'gateway'] as const) {
        const fresh = new Pool(targets[k], { connections: CONNECTIONS });
        const r = await paced({ rate: RATE, durationMs: 1000, send: chatSender(fresh), sleep });
        await fresh.close();
        for (const v of r.latenciesMs) cold[k].push(v);
        fails[k] += r.failed;
      }
    const coldP99 = (k: 'direct' | 'gateway') => quantileSorted(Float64Array.from(cold[k]).sort(), 0.99);
    log(
      `fresh connections (${COLD_BLOCKS} × 1 s, ${CONNECTIONS} new connections each): direct p99 ${round(coldP99('direct'))} ms, gateway p99 ${round(coldP99('gateway'))} ms`,
    );

    await Promise.all([pools.direct.close(), pools.gateway.close(), sleeper.close()]);

    const streamDirect = await streamRate(targets.direct, undefined);
    const streamGateway = await streamRate(targets.gateway, coord.proc.pid);
    log(
      `streams (${STREAMS} concurrent, ${STREAM_TOKENS} tokens each, ${STREAM_SECONDS} s): gateway ${Math.round(streamGateway.perS)} events/s (${Math.round(streamGateway.perCpuS)} per coordinator CPU second), direct ${Math.round(streamDirect.perS)} events/s`,
    );

    const maxGateway = await saturate(targets.gateway);
    const maxDirect = await saturate(targets.direct);
    log(
      `autocannon ${CONNECTIONS} connections, ${MAX_SECONDS} s: gateway ${Math.round(maxGateway.rps)} req/s (${maxGateway.errors} errors, ${maxGateway.non2xx} non-2xx), worker direct ${Math.round(maxDirect.rps)} req/s`,
    );

    const result = {
      bench: 'gateway',
      rate: RATE,
      seconds_per_target: SECONDS * BLOCKS,
      sent_rate_direct: Math.round(sentRate.direct),
      sent_rate_gateway: Math.round(sentRate.gateway),
      direct_p50_ms: round(d.p50),
      direct_p99_ms: round(d.p99),
      gateway_p50_ms: round(g.p50),
      gateway_p99_ms: round(g.p99),
      added_p50_ms: round(g.p50 - d.p50),
      added_p99_ms: round(g.p99 - d.p99),
      failed_direct: fails.direct,
      failed_gateway: fails.gateway,
      connections_opened_direct: opened.direct,
      connections_opened_gateway: opened.gateway,
      gateway_cpu_us_per_request:
        lat.gateway.length > 0 ? Math.round((gatewayCpuMs * 1000) / lat.gateway.length) : null,
      direct_cpu_us_per_request:
        lat.direct.length > 0 ? Math.round((workerCpuMs * 1000) / lat.direct.length) : null,
      generator_cpu_pct: Math.round((100 * generatorCpuMs) / Math.max(1, measuredMs)),
      added_p99_cold_ms: round(coldP99('gateway') - coldP99('direct')),
      cold_direct_p99_ms: round(coldP99('direct')),
      cold_gateway_p99_ms: round(coldP99('gateway')),
      stream_chunks_per_s: Math.round(streamGateway.perS),
      stream_chunks_per_cpu_s: Math.round(streamGateway.perCpuS),
      stream_chunks_per_s_direct: Math.round(streamDirect.perS),
      stream_failed: streamGateway.failed + streamDirect.failed,
      max_rps: Math.round(maxGateway.errors + maxGateway.non2xx === 0 ? maxGateway.rps : 0),
      max_rps_errors: maxGateway.errors + maxGateway.non2xx,
      max_rps_direct: Math.round(maxDirect.rps),
      connections: CONNECTIONS,
      cpus: (await import('node:os')).availableParallelism(),
    };
    await cleanup();
    log(JSON.stringify(result));
  } catch (e) {
    await cleanup();
    throw e;
  }
}

function q(values: Float64Array, p: number): number {
  return quantileSorted(Float64Array.from(values).sort(), p);
}

/**
 * SSE data events received per second with `STREAMS` streamed requests always open (each asks for
 * `STREAM_TOKENS` tokens; the next starts when one ends), and per second of CPU used by process `pid`.
 */
async function streamRate(
  url: string,
  pid: number | undefined,
): Promise<{ perS: number; perCpuS: number; failed: number }> {
  const pool = new Pool(url, { connections: STREAMS });
  let events = 0;
  let failed = 0;
  const end = performance.now() + STREAM_SECONDS * 1000;
  const one = async () => {
    while (performance.now() < end) {
      try {
        const res = await pool.request({
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json' },
          body: STREAM_BODY,
        });
        if (res.statusCode !== 200) failed++;
        events += await dataEvents(res.body);
      } catch {
        failed++;
      }
    }
  };
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: STREAMS }, one));
  const seconds = (performance.now() - t0) / 1000;
  const cpuS = (cpuMs(pid) - cpu0) / 1000;
  await pool.close();
  return { perS: events / seconds, perCpuS: events / cpuS, failed };
}

/** `data:` events in an SSE body (an event split across two chunks is counted once). */
async function dataEvents(body: AsyncIterable<Buffer>): Promise<number> {
  let n = 0;
  let carry = '';
  for await (const chunk of body) {
    const text = carry + chunk.toString('latin1');
    for (let k = text.indexOf('data:'); k >= 0; k = text.indexOf('data:', k + 5)) n++;
    carry = text.slice(-4);
  }
  return n;
}

async function saturate(url: string): Promise<{ rps: number; errors: number; non2xx: number }> {
  const r = await autocannon({
    url: `${url}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections: CONNECTIONS,
    duration: MAX_SECONDS,
  });
  return { rps: r.requests.average, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

await main();
