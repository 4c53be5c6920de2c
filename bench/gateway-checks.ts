/**
 * What the coordinator's per-request checks cost (`npm run bench:gateway-checks`).
 *
 * Builds a second copy of this tree with `bench/gateway-checks-off.patch` applied: the checks the
 * hardening added to every gateway request removed (rate-limit hooks, the socket cap and the server's
 * request timeouts, the JSON depth check, client keys, the hop header and loop check, the time limits of
 * each attempt computed from the estimate and their timers, refusal accounting, the hedge budget's count),
 * everything else the same. Then runs `bench/gateway.ts` on the two in turn, `--rounds` times, and prints
 * per round and at the medians the coordinator's CPU per request and the latency it adds at p50 and p99,
 * with the per-round ratio (checks on / checks off): the same machine, the same minutes, the same code
 * apart from the checks. The last line printed is one JSON object.
 *
 * Options: --rounds N (default 3); the rest is passed to bench/gateway.ts (default here: --rate 2000
 *          --blocks 2 --seconds 5 --cold-blocks 1 --streams 4 --stream-seconds 1 --max-seconds 2).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// `--rounds N` is this bench's; every other argument goes to bench/gateway.ts as given.
const args = process.argv.slice(2);
const at = args.indexOf('--rounds');
const roundsText = at >= 0 ? args.splice(at, 2)[1] : '3';
const ROUNDS = Number(roundsText);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  process.stderr.write(
    `--rounds: expected a whole number of at least 1, got ${JSON.stringify(roundsText)}\n`,
  );
  process.exit(2);
}
const GATEWAY_ARGS =
  args.length > 0
    ? args
    : '--rate 2000 --blocks 2 --seconds 5 --cold-blocks 1 --streams 4 --stream-seconds 1 --max-seconds 2'.split(
        ' ',
      );

// This file runs from dist-bench/bench/: the project root is two levels up.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PATCH = join(ROOT, 'bench', 'gateway-checks-off.patch');
const FIELDS = ['gateway_cpu_us_per_request', 'added_p50_ms', 'added_p99_ms'] as const;
type Field = (typeof FIELDS)[number];
type Figures = Record<Field, number>;

const log = (s: string) => process.stdout.write(`${s}\n`);

/** A copy of the tree (sources, build files, the installed modules linked) with the checks removed, built. */
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
  const applied = spawnSync('git', ['apply', '--whitespace=nowarn', PATCH], { cwd: dir, encoding: 'utf8' });
  if (applied.status !== 0)
    throw new Error(
      `bench/gateway-checks-off.patch no longer applies to src/ (update it to remove the same checks): ${applied.stderr.trim()}`,
    );
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: dir, stdio: 'inherit' });
  execFileSync('npm', ['run', 'build:bench', '--silent'], { cwd: dir, stdio: 'inherit' });
}

/** One run of the gateway bench in `dir`; its last line parsed. */
function gatewayBench(dir: string): Figures {
  const out = execFileSync(
    process.execPath,
    [join(dir, 'dist-bench', 'bench', 'gateway.js'), ...GATEWAY_ARGS],
    {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const last = out.trim().split('\n').at(-1) ?? '';
  const j = JSON.parse(last) as Record<string, number>;
  const failed = (j.failed_gateway ?? 0) + (j.stream_failed ?? 0);
  if (failed > 0) throw new Error(`the gateway bench in ${dir} had ${failed} failed requests: ${last}`);
  return {
    gateway_cpu_us_per_request: j.gateway_cpu_us_per_request!,
    added_p50_ms: j.added_p50_ms!,
    added_p99_ms: j.added_p99_ms!,
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist-bench', 'bench', 'gateway.js')))
    throw new Error('build first: npm run build && npm run build:bench');
  const dir = mkdtempSync(join(tmpdir(), 'meridian-checks-off-'));
  try {
    log(`building the tree without the per-request checks in ${dir} …`);
    buildWithoutChecks(dir);
    const on: Figures[] = [];
    const off: Figures[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      // Alternate which goes first, so neither always runs on a machine the other has just warmed.
      const order = r % 2 === 1 ? (['on', 'off'] as const) : (['off', 'on'] as const);
      for (const which of order) {
        const f = gatewayBench(which === 'on' ? ROOT : dir);
        (which === 'on' ? on : off).push(f);
        log(
          `round ${r}/${ROUNDS} checks ${which.padEnd(3)}: ${f.gateway_cpu_us_per_request} µs CPU per request, added p50 ${f.added_p50_ms} ms, added p99 ${f.added_p99_ms} ms`,
        );
      }
    }
    const result: Record<string, number | string> = { bench: 'gateway-checks', rounds: ROUNDS };
    for (const k of FIELDS) {
      result[`${k}_on`] = round(median(on.map((f) => f[k])));
      result[`${k}_off`] = round(median(off.map((f) => f[k])));
      // Ratios per round (same minutes), then their median: less moved by a disturbed round than a ratio of medians.
      result[`${k}_ratio`] = round(median(on.map((f, i) => f[k] / off[i]![k])));
    }
    log(JSON.stringify(result));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:gateway-checks: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
