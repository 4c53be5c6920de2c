import type { InputIssue } from '../errors.js';
import { metroById } from '../geo/metros.js';
import { DEFAULT_INDEPENDENCE_DIMENSIONS, Independence } from '../model/request.js';
import type { ResolvedDistribution, ResolvedTruth, Scenario, WeightedId } from '../scenario/types.js';
import type { TruthSpec } from './hidden-truth.js';
import type { Burst, ClientMetro, SimInput, TokenDist } from './input.js';
import { loadTraceCsv } from './workload/trace-csv.js';

/** Hour (UTC) at which every run starts; the diurnal curves are evaluated from there. */
export const START_UTC_HOUR = 0;

function dist(d: ResolvedDistribution): TokenDist {
  return d.kind === 'fixed' ? { kind: 'fixed', value: d.value } : { ...d };
}

function clientMetros(weights: readonly WeightedId[]): ClientMetro[] {
  const out: ClientMetro[] = [];
  for (const w of weights) {
    const m = metroById(w.id);
    if (!m) continue; // the loader has already refused unknown metros
    out.push({
      id: m.id,
      lat: m.lat,
      lon: m.lon,
      region: m.region,
      utcOffsetHours: m.utcOffsetHours,
      weight: w.weight,
    });
  }
  return out;
}

function modelWeights(scenario: Scenario, weights: readonly WeightedId[]): number[] {
  const byId = new Map(weights.map((w) => [w.id, w.weight]));
  return scenario.models.map((m) => byId.get(m.id) ?? 0);
}

export interface ScenarioOverrides {
  durationS?: number;
  seed?: number;
  stalenessMs?: number;
  policies?: string[];
  /** Leave out the scenario's liars (every node honest). */
  honest?: boolean;
  /** Receives what reading the demand trace found (rows out of time order), located in the trace file. */
  traceWarnings?: InputIssue[];
}

/** Builds the simulator's input from a loaded scenario (and command-line overrides). */
export function simInputFromScenario(scenario: Scenario, overrides: ScenarioOverrides = {}): SimInput {
  const d = scenario.demand;
  const metros = clientMetros(d.metros);
  const metroIndex = new Map(metros.map((m, i) => [m.id, i]));
  const modelIndex = new Map(scenario.models.map((m, i) => [m.id, i]));
  const bursts: Burst[] = d.bursts.map((b) => {
    const out: Burst = { atS: b.atS, durationS: b.durationS, factor: b.factor };
    if (b.model !== undefined) {
      const k = modelIndex.get(b.model);
      if (k !== undefined) out.model = k;
    }
    if (b.metros !== undefined)
      out.metros = b.metros.map((id) => metroIndex.get(id)).filter((i): i is number => i !== undefined);
    else if (b.region !== undefined)
      out.metros = metros.flatMap((m, i) => (m.region === b.region ? [i] : []));
    return out;
  });
  const independence = Independence.parse({});
  const input: SimInput = {
    name: scenario.name,
    seed: overrides.seed ?? scenario.seed,
    durationS: overrides.durationS ?? scenario.durationS,
    stalenessMs: overrides.stalenessMs ?? scenario.stalenessMs,
    nodes: scenario.nodes,
    models: scenario.models,
    datasets: scenario.datasets,
    metros,
    demand:
      d.kind === 'trace'
        ? {
            kind: 'trace',
            ...loadTraceCsv(
              d.file,
              d.timeScale,
              overrides.traceWarnings ? { warnings: overrides.traceWarnings } : {},
            ),
            modelWeights: modelWeights(scenario, d.models),
          }
        : {
            kind: 'generated',
            totalRps: d.totalRps,
            diurnal: { ...d.diurnal, startUtcHour: START_UTC_HOUR },
            modelWeights: modelWeights(scenario, d.models),
            arrivals: { process: d.arrivals.process, cv: d.arrivals.cv },
            tokens: { input: dist(d.tokens.input), output: dist(d.tokens.output) },
            bursts,
            growth: d.growth.map((g) => {
              const out: { perDay: number; metros?: number[] } = { perDay: g.perDay };
              if (g.metros !== undefined)
                out.metros = g.metros
                  .map((id) => metroIndex.get(id))
                  .filter((i): i is number => i !== undefined);
              else if (g.region !== undefined)
                out.metros = metros.flatMap((m, i) => (m.region === g.region ? [i] : []));
              return out;
            }),
            localModelWeights: metros.map((m) => {
              const local = d.localModels.findLast((l) => l.metros?.includes(m.id) ?? l.region === m.region);
              return local && modelWeights(scenario, local.models);
            }),
          },
    mix: {
      verification: { ...d.verification },
      datasetShare: 0,
      fallbacks: independence.fallbacks,
      independenceDimensions: [...DEFAULT_INDEPENDENCE_DIMENSIONS],
      hedge: independence.hedge,
    },
    failures: scenario.failures,
    policies: overrides.policies ?? [...scenario.policies],
  };
  if (d.deadlines) input.mix.deadlines = { share: d.deadlines.share, ms: dist(d.deadlines.ms) };
  if (scenario.rtt) input.rtt = { ...scenario.rtt };
  if (scenario.truth) input.truth = truthSpec(scenario.truth, scenario.nodes);
  if (scenario.liars && overrides.honest !== true) {
    const index = new Map(scenario.nodes.map((n, i) => [n.id, i]));
    input.liars = scenario.liars.map((l) => ({ ...l, node: index.get(l.node) ?? -1 }));
  }
  return input;
}

/** The scenario's truth section with episode nodes as indices. */
function truthSpec(t: ResolvedTruth, nodes: readonly { id: string }[]): TruthSpec {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const spec: TruthSpec = {
    prefillSigma: t.prefillSigma,
    decodeSigma: t.decodeSigma,
    loadSigma: t.loadSigma,
    episodes: t.episodes.map((e) => ({ ...e, node: index.get(e.node) ?? -1 })),
    telemetryNoise: t.telemetryNoise,
  };
  if (t.stragglers) spec.stragglers = { ...t.stragglers };
  return spec;
}
