/**
 * The trace stages of the simulator benchmark (`bench/sim.ts`):
 *
 * - trace parsing: a generated 1,000,000-row trace file shaped like the Azure LLM traces is loaded
 *   with `loadTraceCsv`; rows per second of process CPU time.
 * - M/M/4 end to end, as `meridian simulate` runs it: one node with 4 slots serving one model, λ = 160/s,
 *   mean service 20 ms, 200,000 requests. Scenarios give service time through token counts, so the
 *   trace carries it: no input tokens and an exponential number of output tokens (mean 2,000) at
 *   0.01 ms per token with no batching slowdown, i.e. exponential service of mean 20 ms (rounding to
 *   whole tokens moves it by at most 0.005 ms). Arrivals are Poisson (exponential gaps of 6.25 ms).
 *   Scenario load (trace included), simulation and results, timed by process CPU time; the mean queueing
 *   wait is printed next to the Erlang C value for the same queue.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile } from '../src/scenario/load.js';
import { buildResults } from '../src/sim/results.js';
import { routingRouterFactory } from '../src/sim/route-adapter.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { loadTraceCsv } from '../src/sim/workload/trace-csv.js';
import { erlangCWait } from '../src/stats/erlang-c.js';
import { Rng } from '../src/util/rng.js';

/** 2023-11-16 18:15:46 UTC, the first timestamp of the Azure conversation trace. */
const START_MS = Date.UTC(2023, 10, 16, 18, 15, 46);

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD HH:MM:SS.fffffff` (100 ns resolution, as in the Azure traces) of ms since the epoch. */
function timestamp(ms: number): string {
  const whole = Math.floor(ms / 1000) * 1000;
  const d = new Date(whole);
  const frac = Math.round((ms - whole) * 10_000);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(Math.min(frac, 9_999_999), 7)}`
  );
}

/**
 * Writes a trace of `rows` Poisson arrivals at `rps` with token counts from `tokens`; returns the offset
 * of the last arrival, ms.
 */
export function writeTrace(
  file: string,
  rows: number,
  rps: number,
  seed: number,
  tokens: (rng: Rng) => [number, number],
): number {
  const rng = new Rng(seed);
  const parts: string[] = ['TIMESTAMP,ContextTokens,GeneratedTokens\n'];
  let t = 0;
  for (let i = 0; i < rows; i++) {
    t += rng.exponential(1000 / rps);
    const [input, output] = tokens(rng);
    parts.push(`${timestamp(START_MS + t)},${input},${output}\n`);
  }
  writeFileSync(file, parts.join(''));
  return t;
}

function cpuS(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
}

/** Rows per CPU second of `loadTraceCsv` on a generated `rows`-row trace (best of `rounds`). */
export function traceRowsPerSecond(dir: string, rows: number, rounds = 3) {
  const file = join(dir, 'trace-1m.csv');
  writeTrace(file, rows, 1000, 11, (rng) => [
    Math.max(1, Math.round(rng.logNormal(600, 1))),
    Math.max(1, Math.round(rng.logNormal(150, 0.8))),
  ]);
  let best = Number.POSITIVE_INFINITY;
  let wall = 0;
  for (let r = 0; r < rounds; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const trace = loadTraceCsv(file);
    const s = cpuS(cpu0);
    if (trace.offsetsMs.length !== rows) throw new Error(`parsed ${trace.offsetsMs.length} of ${rows} rows`);
    if (s < best) {
      best = s;
      wall = (performance.now() - t0) / 1000;
    }
  }
  return {
    trace_rows: rows,
    trace_rows_per_s: Math.round(rows / best),
    trace_parse_cpu_s: Math.round(best * 1000) / 1000,
    trace_parse_wall_s: Math.round(wall * 1000) / 1000,
  };
}

const MM4 = { servers: 4, lambda: 160, serviceMs: 20, requests: 200_000, msPerToken: 0.01 };

function mm4Scenario(traceFile: string, durationS: number): string {
  return `name: mm4
seed: 1
durationS: ${durationS}
network:
  nodes:
    - id: solo
      location: { metro: frankfurt }
      labels: { provider: aws }
      hardware: { accelerator: h100 }
      slots: ${MM4.servers}
      models: [{ model: mm, tier: gpu }]
models:
  custom:
    - id: mm
      kind: llm
      weightsGb: 1
      performance: { h100: { prefillMsPer1k: 0, decodeMsPerToken: ${MM4.msPerToken}, decodeSlope: 0 } }
demand:
  trace: { file: ${JSON.stringify(traceFile)}, metros: { frankfurt: 1 } }
policies: [round-robin]
`;
}

/** The M/M/4 case end to end (scenario and trace load, simulation, results); best of `rounds` by CPU. */
export function mm4EndToEnd(dir: string, rounds = 3) {
  const traceFile = join(dir, 'mm4.csv');
  const meanTokens = MM4.serviceMs / MM4.msPerToken;
  const lastMs = writeTrace(traceFile, MM4.requests, MM4.lambda, 4, (rng) => [
    0,
    Math.round(rng.exponential(meanTokens)),
  ]);
  const file = join(dir, 'mm4.yaml');
  writeFileSync(file, mm4Scenario(traceFile, Math.ceil(lastMs / 1000) + 60));
  let best = { cpu: Number.POSITIVE_INFINITY, wall: 0, load: 0, served: 0, waitMs: 0 };
  for (let r = 0; r < rounds; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const input = simInputFromScenario(loadScenarioFile(file));
    const load = cpuS(cpu0);
    const out = runSimulation(input, routingRouterFactory, {}, ['round-robin']);
    buildResults(out);
    const cpu = cpuS(cpu0);
    const m = out.policies[0]!.metrics;
    if (cpu < best.cpu)
      best = {
        cpu,
        wall: (performance.now() - t0) / 1000,
        load,
        served: m.served,
        waitMs: m.waitMsSum / m.served,
      };
  }
  const a = (MM4.lambda * MM4.serviceMs) / 1000;
  return {
    mm4_requests: best.served,
    mm4_requests_per_s: Math.round(MM4.requests / best.cpu),
    mm4_cpu_s: Math.round(best.cpu * 1000) / 1000,
    mm4_load_cpu_s: Math.round(best.load * 1000) / 1000,
    mm4_wall_s: Math.round(best.wall * 1000) / 1000,
    mm4_mean_wait_ms: Math.round(best.waitMs * 1000) / 1000,
    mm4_erlang_c_wait_ms: Math.round(erlangCWait(MM4.servers, a) * MM4.serviceMs * 1000) / 1000,
  };
}

/** Both trace stages in a temporary directory that is removed afterwards. */
export function traceStages(traceRows: number) {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-sim-'));
  try {
    return { ...traceRowsPerSecond(dir, traceRows), ...mm4EndToEnd(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
