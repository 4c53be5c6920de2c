/**
 * What the coordinator's per-request checks cost (`npm run bench:gateway-checks`).
 *
 * Builds a second copy of this tree with `bench/gateway-checks-off.patch` applied: the checks the
 * hardening added to every gateway request removed (rate-limit hooks, the socket cap and the server's
 * request timeouts, the JSON depth check, client keys, the hop header and loop check, the time limits of
 * each attempt computed from the estimate and their timers, refusal accounting, the hedge budget's count),
 * everything else the same. Then starts both coordinators at once, each with its own emulated worker
 * (instant answers), and offers one fixed schedule (open loop) whose requests are dealt in turn to the
 * three targets: the worker directly, the gateway with the checks, the gateway without. Each group of
 * three consecutive requests goes to the three in an order drawn at random, so the three see the same
 * moments of a shared, noisy machine to within a millisecond. (Blocks of one second that took turns, the
 * bench's earlier form, left each target's p50 at the mercy of its own seconds: a control run, same code
 * on both sides, printed p50 ratios from 0.97 to 1.17.)
 *
 * The direct calls go to the two workers in turn: a worker that also served the direct calls made its
 * coordinator's CPU per request a few percent higher than the other's, with the same code.
 *
 * The run is made of sessions (16 by default, about 4.5 minutes): in each, both coordinators and their
 * workers are started afresh, warmed up for 3 s, then measured for a number of one-second rounds, and
 * stopped. Two coordinators started afresh differ by a few percent with the same code (control runs:
 * 0.93 to 1.05 at p50 between sessions, more than the rounds of one session vary), and the one started
 * first was slower (control, 300 requests/s, one session: 1.05 to 1.10 at p50 with the checks' side
 * first, 1.00 with it second); so sessions are the unit of measurement and take turns starting either
 * side first.
 *
 * Prints per session the two ratios; then per target the latency at p50 and p99 over the whole run and
 * each coordinator's CPU per request; then what each gateway adds over the direct calls at p50 and p99
 * (per round, the round's quantile minus the direct calls' in that round, averaged), and the ratios
 * (checks on / checks off) as the geometric mean of the sessions' with a 95% interval
 * (src/stats/ratio-interval.ts). The last line printed is one JSON object.
 *
 * `--control` builds the copy without applying the patch: both coordinators then run the same code, and
 * the ratios show what this bench resolves on the machine (how far from 1 they land with no difference).
 *
 * Options: --rate N requests/s to each target (default 1000; 3 N in all) --sessions S (default 16)
 *          --rounds R per session (default 10) --round-seconds T (default 1) --control
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { quantileSorted } from '../src/stats/quantile.js';
import { type RatioInterval, ratioInterval } from '../src/stats/ratio-interval.js';
import { Rng } from '../src/util/rng.js';
import { paced } from '../src/worker/paced.js';
import { parseFlags, positiveNumber } from './args.js';
import { benchSandbox, chatSender, cpuMs, TOKEN, waitWarm, writeConfigs } from './gateway-kit.js';
import { preciseSleeper } from './precise-sleep.js';

const BENCH = 'bench:gateway-checks';
const values = parseFlags(BENCH, {
  rate: { type: 'string', default: '1000' },
  sessions: { type: 'string', default: '16' },
  rounds: { type: 'string', default: '10' },
  'round-seconds': { type: 'string', default: '1' },
  control: { type: 'boolean', default: false },
});
const RATE = positiveNumber(BENCH, '--rate', values.rate);
const SESSIONS = positiveNumber(BENCH, '--sessions', values.sessions, { integer: true });
const ROUNDS = positiveNumber(BENCH, '--rounds', values.rounds, { integer: true });
const WARMUP_MS = 3000;
const ROUND_MS = positiveNumber(BENCH, '--round-seconds', values['round-seconds']) * 1000;
const CONTROL = values.control === true;

// This file runs from dist-bench/bench/: the project root is two levels up.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PATCH = join(ROOT, 'bench', 'gateway-checks-off.patch');
const TARGETS = ['direct', 'on', 'off'] as const;
type Target = (typeof TARGETS)[number];

const log = (s: string) => process.stdout.write(`${s}\n`);
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * A copy of the tree (sources, build files, the installed modules linked) with the checks removed (left
 * in with `--control`), built.
 */
function buildWithoutChecks(dir: string): void {
  for (const entry of [
    'src',
    'bench',
    'web',
    'scripts',
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'tsconfig.bench.json',
  ])
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const applied = spawnSync('git', ['apply', '--whitespace=nowarn', ...(CONTROL ? ['--check'] : []), PATCH], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (applied.status !== 0)
    throw new Error(
      `bench/gateway-checks-off.patch no longer applies to src/ (update it to remove the same checks): ${applied.stderr.trim()}`,
    );
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: dir, stdio: 'inherit' });
  execFileSync('npm', ['run', 'build:bench', '--silent'], { cwd: dir, stdio: 'inherit' });
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist-bench', 'bench', 'gateway-checks.js')))
    throw new Error('build first: npm run build && npm run build:bench');
  const { dir, children, cleanup } = benchSandbox('meridian-checks-off-');
  try {
    log(
      `building the tree ${CONTROL ? 'again, with the checks (control)' : 'without the per-request checks'} in ${dir} …`,
    );
    const copy = join(dir, 'tree');
    mkdirSync(copy);
    buildWithoutChecks(copy);
    const mains = {
      on: join(ROOT, 'dist-bench', 'src', 'cli', 'main.js'),
      off: join(copy, 'dist-bench', 'src', 'cli', 'main.js'),
    };
    const pool = (url: string) => new Pool(url, { connections: 256 });
    const rounds: Rounds = [];
    const cpu = { on: 0, off: 0 };
    const cpuRatios: number[] = [];
    for (let session = 0; session < SESSIONS; session++) {
      // Either side started first in turn: the one started first measured slower (see above).
      const order = session % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
      const urls = { on: '', off: '' };
      const workers = { on: '', off: '' };
      const pids: Record<'on' | 'off', number | undefined> = { on: undefined, off: undefined };
      for (const which of order) {
        const home = join(dir, `${which}-${session}`);
        mkdirSync(home);
        const { config, profile } = writeConfigs(home);
        const coord = await children.spawn(`coordinator-${which}`, ['serve', '--config', config], {
          main: mains[which],
        });
        const worker = await children.spawn(
          `worker-${which}`,
          ['worker', '--emulate', '--profile', profile, '--coordinator', coord.url],
          { main: mains.on, env: { MERIDIAN_TOKEN: TOKEN } },
        );
        await waitWarm(coord.url);
        urls[which] = coord.url;
        pids[which] = coord.proc.pid;
        workers[which] = worker.url;
      }
      log(
        `session ${session + 1} of ${SESSIONS} (${order.join(' started before ')}): ${RATE} requests/s to each target, dealt in turn in a random order: direct ${workers.on} and ${workers.off} (alternately), checks on ${urls.on}, checks off ${urls.off}${CONTROL ? ' (control: the same code)' : ''}; ${ROUNDS} rounds of ${ROUND_MS / 1000} s`,
      );
      const pools = {
        direct: [pool(workers.on), pool(workers.off)],
        on: [pool(urls.on)],
        off: [pool(urls.off)],
      };
      const sleeper = preciseSleeper();
      const dealer = new Dealer(pools, new Rng(`gateway-checks-${session}`));
      // Warm-up (JIT, connection pools), not recorded.
      await paced({ rate: 3 * RATE, durationMs: WARMUP_MS, send: dealer.send, sleep: sleeper.sleep });
      dealer.takeRound(session);

      const cpu0 = { on: cpuMs(pids.on), off: cpuMs(pids.off) };
      for (let r = 0; r < ROUNDS; r++) {
        await paced({ rate: 3 * RATE, durationMs: ROUND_MS, send: dealer.send, sleep: sleeper.sleep });
        rounds.push(dealer.takeRound(session));
      }
      const used = { on: cpuMs(pids.on) - cpu0.on, off: cpuMs(pids.off) - cpu0.off };
      cpu.on += used.on;
      cpu.off += used.off;
      await Promise.all([...Object.values(pools).flatMap((ps) => ps.map((p) => p.close())), sleeper.close()]);
      await children.stopAll(3000);
      const mine = rounds.filter((r) => r.session === session);
      const sent = (t: 'on' | 'off') => mine.reduce((n, r) => n + r.latencies[t].length + r.failed[t], 0);
      cpuRatios.push(used.on / sent('on') / (used.off / sent('off')));
      log(
        `  this session, on / off: added p50 ${round(addedRatio(mine, 0.5).ratio)}, coordinator CPU per request ${round(cpuRatios.at(-1)!)}`,
      );
    }

    const all = pooled(rounds);
    const count = (t: Target) => all[t].length;
    const failed = (t: Target) => rounds.reduce((n, r) => n + r.failed[t], 0);
    const cpuPerRequest = (t: 'on' | 'off') => (cpu[t] * 1000) / Math.max(1, count(t) + failed(t));
    for (const t of TARGETS)
      log(
        `${t.padEnd(6)} ${count(t)} requests (${failed(t)} failed): p50 ${round(quantileSorted(all[t], 0.5))} ms, p99 ${round(quantileSorted(all[t], 0.99))} ms${t === 'direct' ? '' : `, coordinator CPU ${Math.round(cpuPerRequest(t))} µs per request`}`,
      );
    const p50 = addedRatio(rounds, 0.5);
    const cpuShare = ratioInterval(cpuRatios);
    const p99 = addedRatio(rounds, 0.99);
    const result = {
      bench: 'gateway-checks',
      control: CONTROL,
      rate_per_target: RATE,
      sessions: SESSIONS,
      rounds_per_session: ROUNDS,
      round_seconds: ROUND_MS / 1000,
      direct_p50_ms: round(quantileSorted(all.direct, 0.5)),
      direct_p99_ms: round(quantileSorted(all.direct, 0.99)),
      added_p50_ms_on: round(p50.on),
      added_p50_ms_off: round(p50.off),
      added_p50_ratio: round(p50.ratio),
      added_p50_ratio_ci95: [round(p50.low), round(p50.high)],
      added_p99_ms_on: round(p99.on),
      added_p99_ms_off: round(p99.off),
      added_p99_ratio: round(p99.ratio),
      added_p99_ratio_ci95: [round(p99.low), round(p99.high)],
      gateway_cpu_us_per_request_on: Math.round(cpuPerRequest('on')),
      gateway_cpu_us_per_request_off: Math.round(cpuPerRequest('off')),
      gateway_cpu_ratio: round(cpuShare.ratio),
      gateway_cpu_ratio_ci95: [round(cpuShare.low), round(cpuShare.high)],
      failed: failed('direct') + failed('on') + failed('off'),
    };
    await cleanup();
    log(JSON.stringify(result));
  } catch (e) {
    await cleanup();
    throw e;
  }
}

type Pools = Record<Target, Pool[]>;
/** One round's latencies per target, sorted, ms; and its failures. */
interface Round {
  /** The session (pair of coordinators started afresh) it was measured in. */
  session: number;
  latencies: Record<Target, Float64Array>;
  failed: Record<Target, number>;
}
type Rounds = Round[];

/**
 * Sends each request of the schedule to one target: every three consecutive requests go to the three
 * targets in an order drawn at random, the direct ones to the two workers in turn. Latency is measured
 * from the send (the schedule's own lag is the same for all three).
 */
class Dealer {
  private order: Target[] = [...TARGETS];
  private k = 0;
  private directK = 0;
  private latencies: Record<Target, number[]> = { direct: [], on: [], off: [] };
  private failed: Record<Target, number> = { direct: 0, on: 0, off: 0 };
  private readonly senders: Record<Target, (() => Promise<boolean>)[]>;

  constructor(
    pools: Pools,
    private readonly rng: Rng,
  ) {
    this.senders = {
      direct: pools.direct.map(chatSender),
      on: pools.on.map(chatSender),
      off: pools.off.map(chatSender),
    };
  }

  readonly send = async (): Promise<boolean> => {
    if (this.k % 3 === 0) this.shuffle();
    const t = this.order[this.k++ % 3]!;
    const senders = this.senders[t];
    const sender = senders[t === 'direct' ? this.directK++ % senders.length : 0]!;
    const t0 = performance.now();
    const good = await sender();
    if (good) this.latencies[t].push(performance.now() - t0);
    else this.failed[t]++;
    return good;
  };

  /** The round since the last call, and a fresh one started. */
  takeRound(session: number): Round {
    const sorted = (t: Target) => Float64Array.from(this.latencies[t]).sort();
    const done = {
      session,
      latencies: { direct: sorted('direct'), on: sorted('on'), off: sorted('off') },
      failed: this.failed,
    };
    this.latencies = { direct: [], on: [], off: [] };
    this.failed = { direct: 0, on: 0, off: 0 };
    return done;
  }

  private shuffle(): void {
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      [this.order[i], this.order[j]] = [this.order[j]!, this.order[i]!];
    }
  }
}

/** Every round's latencies per target in one sorted array. */
function pooled(rounds: Rounds): Record<Target, Float64Array> {
  const join = (t: Target) => {
    const out = new Float64Array(rounds.reduce((n, r) => n + r.latencies[t].length, 0));
    let at = 0;
    for (const r of rounds) {
      out.set(r.latencies[t], at);
      at += r.latencies[t].length;
    }
    return out.sort();
  };
  return { direct: join('direct'), on: join('on'), off: join('off') };
}

/**
 * The latency each gateway adds at quantile `p` over the direct calls, ms: the mean over rounds of the
 * round's quantile minus the direct calls' in the same round; and its ratio (on / off) with a 95%
 * interval over the sessions (`ratioInterval`: a session is the unit, since two coordinators started
 * afresh differ by a few percent with the same code, more than the rounds of one session vary).
 */
function addedRatio(rounds: Rounds, p: number): { on: number; off: number } & RatioInterval {
  const q = (r: Round, t: Target) => quantileSorted(r.latencies[t], p);
  const added = (rs: Rounds, t: 'on' | 'off') =>
    rs.reduce((s, r) => s + q(r, t) - q(r, 'direct'), 0) / rs.length;
  const sessions = [...new Set(rounds.map((r) => r.session))].map((s) =>
    rounds.filter((r) => r.session === s),
  );
  return {
    on: added(rounds, 'on'),
    off: added(rounds, 'off'),
    ...ratioInterval(sessions.map((rs) => added(rs, 'on') / added(rs, 'off'))),
  };
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:gateway-checks: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
