/**
 * Simulator benchmark. Prints JSON lines; the last line is one object with at least
 * `engine_events_per_s`, `hour_wall_s` and `hour_peak_mb`.
 *
 * 1. Engine: a hold model on the event queue (pop the earliest event, push one at an exponential delay)
 *    with 100,000 pending events, 10 million times.
 * 2. One simulated hour of scenarios/global.yaml (≈5,000 nodes) at 1,000 requests/s with the `meridian`
 *    policy: wall time and peak resident memory of the process, and the part of the wall time its warm-set
 *    controller took (`hour_plans`, `hour_plan_s`, `hour_first_plan_ms`).
 *
 * 3. With `--compare-static`, the same hour with `meridian-static` (the estimators off) after it: the
 *    wall and CPU time of the learning router relative to the static one, measured in the same process.
 *
 * 4. Trace parsing (`trace_rows_per_s`) and the M/M/4 case end to end (`mm4_requests_per_s`, with
 *    `mm4_mean_wait_ms` next to `mm4_erlang_c_wait_ms`), both per CPU second: see `bench/sim-trace.ts`.
 *
 * Run: npm run build:bench --silent && node dist-bench/bench/sim.js [--hour-seconds S] [--rps R]
 *      [--compare-static] [--skip-hour] [--skip-trace] [--trace-rows N]
 */
import { fileURLToPath } from 'node:url';
import { loadScenarioFile } from '../src/scenario/load.js';
import { EventQueue } from '../src/sim/event-queue.js';
import { buildResults } from '../src/sim/results.js';
import { routingRouterFactory } from '../src/sim/route-adapter.js';
import type { RouterFactory } from '../src/sim/router-port.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { Rng } from '../src/util/rng.js';
import { parseFlags, positiveNumber } from './args.js';
import { traceStages } from './sim-trace.js';

const TARGETS = {
  engine_events_per_s: 2_000_000,
  hour_wall_s: 20,
  hour_peak_mb: 2048,
  trace_rows_per_s: 1_000_000,
  mm4_requests_per_s: 300_000,
};

function engineEventsPerSecond(pending: number, operations: number): number {
  const q = new EventQueue(pending * 2);
  const rng = new Rng(1);
  for (let i = 0; i < pending; i++) q.push(rng.exponential(1000), i & 7, i);
  const t0 = performance.now();
  let sum = 0;
  for (let i = 0; i < operations; i++) {
    q.pop();
    sum += q.pa;
    q.push(q.t + rng.exponential(1000), q.k, q.pa);
  }
  const s = (performance.now() - t0) / 1000;
  if (sum < 0) console.log(sum); // keeps the loop observable
  return operations / s;
}

/** One simulated hour of `file` at a flat `rps` with one policy: wall, CPU, memory and outcome. */
function simulatedHour(file: string, durationS: number, rps: number, policy: string) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const scenario = loadScenarioFile(file);
  const input = simInputFromScenario(scenario, { durationS, policies: [policy] });
  if (input.demand.kind === 'generated') {
    input.demand.totalRps = rps;
    input.demand.diurnal.amplitude = 0; // a flat 1,000 requests/s, not the diurnal curve's hour-0 value
  }
  const loadS = (performance.now() - t0) / 1000;
  const plans: number[] = [];
  const out = runSimulation(input, timingPlans(routingRouterFactory, plans), {}, [policy]);
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const m = out.policies[0]!.metrics;
  const r = buildResults(out).policies[policy]!;
  return {
    policy,
    hour_wall_s: Math.round(wallS * 10) / 10,
    hour_peak_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    /** CPU time of the process during the hour (the machine may be shared; wall time includes waiting). */
    hour_cpu_s: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
    hour_load_s: Math.round(loadS * 10) / 10,
    hour_simulated_s: durationS,
    hour_rps: rps,
    hour_nodes: input.nodes.length,
    hour_requests: m.arrived,
    hour_events: m.events,
    hour_events_per_s: Math.round(m.events / (wallS - loadS)),
    hour_e2e_p50_ms: r.e2e_ms.p50,
    hour_e2e_p95_ms: r.e2e_ms.p95,
    hour_ratio_to_oracle: r.ratio_to_oracle,
    /** The warm-set controller's plans within the hour: how many, their wall time, the first one's. */
    hour_plans: plans.length,
    hour_plan_s: Math.round(plans.reduce((a, b) => a + b, 0) / 100) / 10,
    hour_first_plan_ms: Math.round(plans[0] ?? 0),
  };
}

/** `factory`'s routers with the wall time of each warm-set plan (ms) appended to `into`. */
function timingPlans(factory: RouterFactory, into: number[]): RouterFactory {
  return (ctx) => {
    const router = factory(ctx);
    const ws = router.warmSet;
    if (ws === undefined) return router;
    const plan = (nowMs: number) => {
      const t = performance.now();
      const orders = ws.plan(nowMs);
      into.push(performance.now() - t);
      return orders;
    };
    return { ...router, warmSet: { ...ws, plan } };
  };
}

const BENCH = 'bench:sim';

function main(): void {
  const values = parseFlags(BENCH, {
    'hour-seconds': { type: 'string', default: '3600' },
    rps: { type: 'string', default: '1000' },
    'skip-hour': { type: 'boolean' },
    'compare-static': { type: 'boolean' },
    'skip-trace': { type: 'boolean' },
    'trace-rows': { type: 'string', default: '1000000' },
  });
  const durationS = positiveNumber(BENCH, '--hour-seconds', values['hour-seconds']);
  const rps = positiveNumber(BENCH, '--rps', values.rps);
  const traceRows = positiveNumber(BENCH, '--trace-rows', values['trace-rows'], { integer: true });
  engineEventsPerSecond(100_000, 1_000_000); // warm-up
  const engine = engineEventsPerSecond(100_000, 10_000_000);
  const engineSmall = engineEventsPerSecond(10_000, 10_000_000);
  console.log(
    JSON.stringify({
      stage: 'engine',
      operations: 10_000_000,
      events_per_s_100k_pending: Math.round(engine),
      events_per_s_10k_pending: Math.round(engineSmall),
    }),
  );

  const file = fileURLToPath(new URL('../../scenarios/global.yaml', import.meta.url));
  let hour: Record<string, unknown> = {};
  if (!values['skip-hour']) {
    const on = simulatedHour(file, durationS, rps, 'meridian');
    hour = { ...on };
    console.log(JSON.stringify({ stage: 'hour', ...on }));
    if (values['compare-static']) {
      const off = simulatedHour(file, durationS, rps, 'meridian-static');
      console.log(JSON.stringify({ stage: 'hour-static', ...off }));
      hour = {
        ...hour,
        hour_static_wall_s: off.hour_wall_s,
        hour_static_cpu_s: off.hour_cpu_s,
        learn_wall_ratio: Math.round((on.hour_wall_s / off.hour_wall_s) * 100) / 100,
        learn_cpu_ratio: Math.round((on.hour_cpu_s / off.hour_cpu_s) * 100) / 100,
      };
    }
  }
  let trace: Record<string, unknown> = {};
  if (!values['skip-trace']) {
    trace = traceStages(traceRows);
    console.log(JSON.stringify({ stage: 'trace', ...trace }));
  }
  console.log(
    JSON.stringify({
      engine_events_per_s: Math.round(engine),
      engine_pending: 100_000,
      engine_events_per_s_10k_pending: Math.round(engineSmall),
      ...hour,
      ...trace,
      targets: TARGETS,
    }),
  );
}

main();
