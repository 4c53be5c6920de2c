import { REGIONS } from '../geo/metros.js';
import { dimensionCodes } from '../model/label-codes.js';
import { DEFAULT_INDEPENDENCE_DIMENSIONS } from '../model/request.js';
import { Rng } from '../util/rng.js';
import { AttemptStore } from './attempts.js';
import { EventQueue } from './event-queue.js';
import { failureSchedule } from './failures.js';
import { HiddenTruth, NO_TRUTH } from './hidden-truth.js';
import { DEFAULT_SIM_OPTIONS, type SimInput, type SimOptions } from './input.js';
import { claimedNodes, LiarTable, speedLies } from './liars.js';
import type { PolicyMetrics } from './metrics.js';
import { SimNetwork } from './network.js';
import { NodeModel } from './node-model.js';
import { Oracle } from './oracle.js';
import type { PolicyProgress } from './progress.js';
import type { RouterFactory } from './router-port.js';
import { type RunHooks, type SharedRun, simulatePolicy } from './simulation.js';
import { loadTruthMatrix } from './truth-matrix.js';
import { TruthRtt } from './truth-rtt.js';
import { MixDrawer } from './workload/arrival.js';
import { GeneratedArrivals } from './workload/generated.js';
import { TraceArrivals } from './workload/trace.js';

/** The outcome of a run: the shared scenario facts and one metrics object per policy, in order. */
export interface RunOutput {
  shared: SharedRun;
  policies: Array<{ name: string; metrics: PolicyMetrics }>;
}

/** Region names in catalog order, then any other region alphabetically. */
function regionOrder(names: Iterable<string>): string[] {
  const set = new Set(names);
  const known: string[] = REGIONS.filter((r) => set.has(r));
  const other = [...set].filter((r) => !(REGIONS as readonly string[]).includes(r)).sort();
  return [...known, ...other];
}

/** Builds everything the policies of a run share: static network, true RTTs, failures, lower bound. */
export function prepareRun(input: SimInput, options: Partial<SimOptions> = {}): SharedRun {
  const opts: SimOptions = { ...DEFAULT_SIM_OPTIONS, ...options };
  // The router's network is what nodes claim (a location liar at its claimed place); true round trips
  // come from where the nodes are.
  const net = SimNetwork.of(claimedNodes(input.nodes, input.liars), input.models, input.datasets);
  const matrix = input.rtt ? loadTruthMatrix(input.rtt) : undefined;
  const rtt = new TruthRtt(input.metros, input.nodes, input.seed, opts.rttJitterSigma, matrix);
  const hidden = new HiddenTruth(
    input.truth ?? NO_TRUTH,
    net.nodeCount,
    input.durationS,
    new Rng(input.seed).fork('truth'),
    speedLies(input.liars),
  );
  const initial = new NodeModel(net, new AttemptStore(16), new EventQueue(16), undefined, hidden);
  const oracle = new Oracle(net, rtt, initial, hidden);
  const failures = failureSchedule(
    input.failures,
    input.nodes,
    input.durationS,
    new Rng(input.seed).fork('failures'),
  );
  const regions = regionOrder(input.metros.map((m) => m.region));
  const metroRegion = Int32Array.from(input.metros, (m) => regions.indexOf(m.region));
  const dims =
    input.mix.independenceDimensions.length > 0
      ? input.mix.independenceDimensions
      : DEFAULT_INDEPENDENCE_DIMENSIONS;
  const labels = input.nodes.map((n) => n.labels);
  const independence = dims.map((dim) => dimensionCodes(labels, dim).codes);
  const arrivals = (arrivalsRng: Rng, tokensRng: Rng) =>
    input.demand.kind === 'trace'
      ? new TraceArrivals(
          input.demand,
          input.metros,
          new MixDrawer(input.mix, input.models, input.datasets.length),
          input.durationS,
          arrivalsRng,
          tokensRng,
        )
      : new GeneratedArrivals(
          input.demand,
          input.metros,
          new MixDrawer(input.mix, input.models, input.datasets.length),
          input.durationS,
          arrivalsRng,
          tokensRng,
        );
  return {
    input,
    options: opts,
    net,
    rtt,
    hidden,
    liars: new LiarTable(input.liars ?? [], net.nodeCount),
    oracle,
    failures,
    metroRegion,
    regions,
    independence,
    arrivals,
  };
}

/**
 * Runs every policy of `policies` (default: the input's) over the same arrivals, tokens and failures.
 * `progress` is called now and then during each policy's run, and once with `done` at its end.
 */
export function runSimulation(
  input: SimInput,
  factory: RouterFactory,
  options: Partial<SimOptions> = {},
  policies: readonly string[] = input.policies,
  progress?: (p: PolicyProgress) => void,
  served?: RunHooks['served'],
): RunOutput {
  const shared = prepareRun(input, options);
  const out: RunOutput = { shared, policies: [] };
  policies.forEach((name, index) => {
    const hooks: RunHooks = {};
    if (progress)
      hooks.progress = (simMs, events) =>
        progress({ policy: name, index, of: policies.length, simMs, events });
    if (served) hooks.served = served;
    out.policies.push({ name, metrics: simulatePolicy(shared, name, factory, hooks) });
    progress?.({
      policy: name,
      index,
      of: policies.length,
      simMs: shared.input.durationS * 1000,
      events: 0,
      done: true,
    });
  });
  return out;
}
