/**
 * What the coordinator's per-request checks cost (`npm run bench:gateway-checks`).
 *
 * Builds a second copy of this tree with `bench/gateway-checks-off.patch` applied: the checks the
 * hardening added to every gateway request removed (rate-limit hooks, the socket cap and the server's
 * request timeouts, the JSON depth check, client keys, the hop header and loop check, the time limits of
 * each attempt computed from the estimate and their timers, refusal accounting, the hedge budget's count),
 * everything else the same. Then starts both coordinators at once, each with its own emulated worker
 * (instant answers), and offers the same fixed rate (open loop) in short blocks that take turns: the
 * worker directly, the gateway with the checks, the gateway without. Blocks of one second, in an order
 * that rotates every round, put the three through the same moments of a shared, noisy machine, which
 * runs of a whole bench one after the other do not (their figures moved by tens of percent between runs).
 *
 * The direct blocks go to the two workers in turn (one each round): a worker that also served the direct
 * calls made its coordinator's CPU per request a few percent higher than the other's, with the same code.
 *
 * Prints per target the latency at p50 and p99 over all its blocks, the latency each gateway adds over
 * the direct calls, and each coordinator's CPU per request; then the ratios (checks on / checks off). The
 * last line printed is one JSON object.
 *
 * `--control` builds the copy without applying the patch: both coordinators then run the same code, and
 * the ratios show what this bench resolves on the machine (how far from 1 they land with no difference).
 *
 * Options: --rate N requests/s (default 2000) --rounds R (default 20) --block-seconds S (default 1)
 *          --control
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { quantileSorted } from '../src/stats/quantile.js';
import { paced } from '../src/worker/paced.js';
import { benchSandbox, chatSender, cpuMs, TOKEN, waitWarm, writeConfigs } from './gateway-kit.js';
import { preciseSleeper } from './precise-sleep.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '20' },
    'block-seconds': { type: 'string', default: '1' },
    control: { type: 'boolean', default: false },
  },
});
const RATE = positive('rate', values.rate);
const ROUNDS = positive('rounds', values.rounds);
const BLOCK_MS = positive('block-seconds', values['block-seconds']) * 1000;
const CONTROL = values.control === true;

function positive(name: string, text: string | undefined): number {
  const x = Number(text);
  if (!Number.isFinite(x) || x <= 0) {
    process.stderr.write(`--${name}: expected a positive number, got ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return x;
}

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
    const urls = { on: '', off: '' };
    const workers = { on: '', off: '' };
    const pids: Record<'on' | 'off', number | undefined> = { on: undefined, off: undefined };
    for (const which of ['on', 'off'] as const) {
      mkdirSync(join(dir, which));
      const { config, profile } = writeConfigs(join(dir, which));
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
      `${RATE} requests/s in blocks of ${BLOCK_MS / 1000} s taking turns: direct ${workers.on} and ${workers.off} (a round each), checks on ${urls.on}, checks off ${urls.off}${CONTROL ? ' (control: the same code)' : ''}; ${ROUNDS} rounds`,
    );

    const pool = (url: string) => new Pool(url, { connections: 256 });
    const pools = {
      direct: [pool(workers.on), pool(workers.off)],
      on: [pool(urls.on)],
      off: [pool(urls.off)],
    };
    /** Target t's pool in round r: the direct calls alternate between the two workers. */
    const poolOf = (t: Target, r: number) => pools[t][r % pools[t].length]!;
    const sleeper = preciseSleeper();
    // Warm-up (JIT, connection pools), not recorded.
    for (const p of Object.values(pools).flat())
      await paced({ rate: RATE, durationMs: 3000, send: chatSender(p), sleep: sleeper.sleep });

    const lat: Record<Target, number[]> = { direct: [], on: [], off: [] };
    const failed: Record<Target, number> = { direct: 0, on: 0, off: 0 };
    const cpu = { on: 0, off: 0 };
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < TARGETS.length; k++) {
        const t = TARGETS[(k + r) % TARGETS.length]!;
        const pid = t === 'direct' ? undefined : pids[t];
        const cpu0 = cpuMs(pid);
        const res = await paced({
          rate: RATE,
          durationMs: BLOCK_MS,
          send: chatSender(poolOf(t, r)),
          sleep: sleeper.sleep,
        });
        if (t !== 'direct') cpu[t] += cpuMs(pid) - cpu0;
        for (const v of res.latenciesMs) lat[t].push(v);
        failed[t] += res.failed;
      }
    }
    await Promise.all([...Object.values(pools).flatMap((ps) => ps.map((p) => p.close())), sleeper.close()]);

    const sorted = Object.fromEntries(TARGETS.map((t) => [t, Float64Array.from(lat[t]).sort()])) as Record<
      Target,
      Float64Array
    >;
    const q = (t: Target, p: number) => quantileSorted(sorted[t], p);
    /** What gateway `t` adds over the direct calls, and its coordinator's CPU per request. */
    const added = (t: 'on' | 'off') => ({
      p50: q(t, 0.5) - q('direct', 0.5),
      p99: q(t, 0.99) - q('direct', 0.99),
      cpu: (cpu[t] * 1000) / Math.max(1, lat[t].length),
    });
    const figures = { on: added('on'), off: added('off') };
    for (const t of TARGETS)
      log(
        `${t.padEnd(6)} ${lat[t].length} requests (${failed[t]} failed): p50 ${round(q(t, 0.5))} ms, p99 ${round(q(t, 0.99))} ms${t === 'direct' ? '' : `, coordinator CPU ${Math.round(figures[t].cpu)} µs per request`}`,
      );
    const result = {
      bench: 'gateway-checks',
      control: CONTROL,
      rate: RATE,
      rounds: ROUNDS,
      block_seconds: BLOCK_MS / 1000,
      direct_p50_ms: round(q('direct', 0.5)),
      direct_p99_ms: round(q('direct', 0.99)),
      added_p50_ms_on: round(figures.on.p50),
      added_p50_ms_off: round(figures.off.p50),
      added_p50_ratio: round(figures.on.p50 / figures.off.p50),
      added_p99_ms_on: round(figures.on.p99),
      added_p99_ms_off: round(figures.off.p99),
      added_p99_ratio: round(figures.on.p99 / figures.off.p99),
      gateway_cpu_us_per_request_on: Math.round(figures.on.cpu),
      gateway_cpu_us_per_request_off: Math.round(figures.off.cpu),
      gateway_cpu_ratio: round(figures.on.cpu / figures.off.cpu),
      failed: failed.direct + failed.on + failed.off,
    };
    await cleanup();
    log(JSON.stringify(result));
  } catch (e) {
    await cleanup();
    throw e;
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:gateway-checks: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
