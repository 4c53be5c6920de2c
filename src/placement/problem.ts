import { serviceMs } from '../estimate/service.js';
import { metroById } from '../geo/metros.js';
import { rttMs } from '../geo/rtt-model.js';
import { residentCapacityGb } from '../model/capability.js';
import type { AcceleratorClass } from '../model/common.js';
import type { Model, Performance } from '../model/model.js';
import type { Node } from '../model/node.js';
import type { ResolvedDistribution, Scenario } from '../scenario/types.js';
import { catalogCandidates } from './candidates.js';
import { footprintGb } from './coverage.js';
import type { ForecastDemand } from './forecast.js';
import type { LatencyWorld } from './latency.js';
import {
  DEFAULT_PLACEMENT_OPTIONS,
  type DemandPoint,
  type ExistingNode,
  type PlacementInput,
  type PlacementModel,
  type PlacementOptions,
  type RttFn,
  type SiteInput,
} from './types.js';

/**
 * Builds placement inputs from a scenario: its inference nodes (existing coverage, caps, spare memory),
 * its models and demand (metro shares, model popularity), RTT between metros from the distance model in
 * `src/geo/rtt-model.ts`, and candidates from `--candidates` or the provider catalog.
 */

/** What `placementInputFromScenario` needs of a scenario. */
export type ScenarioLike = Pick<Scenario, 'nodes' | 'models' | 'demand'>;

/** RTT between two catalog metros (distance model), memoised; metros outside the catalog are far away. */
export function metroRtt(): RttFn {
  const cache = new Map<string, number>();
  return (a, b) => {
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let v = cache.get(key);
    if (v === undefined) {
      const ma = metroById(a);
      const mb = metroById(b);
      v = ma !== undefined && mb !== undefined ? rttMs(ma, mb) : Number.POSITIVE_INFINITY;
      cache.set(key, v);
    }
    return v;
  };
}

function serves(node: Node): boolean {
  return node.roles.includes('inference');
}

function warmModels(node: Node): string[] {
  return node.models.filter((h) => h.tier === 'gpu').map((h) => h.model);
}

function labelsOf(node: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [d, l] of Object.entries(node.labels)) if (l !== undefined) out[d] = l.value;
  return out;
}

/** Existing inference nodes as placement sees them. */
export function existingNodes(nodes: readonly Node[]): ExistingNode[] {
  return nodes.filter(serves).map((n) => ({
    id: n.id,
    metro: n.location.metro,
    labels: labelsOf(n),
    warm: warmModels(n),
  }));
}

/**
 * Spare accelerator memory on existing inference nodes as zero-cost slots: one per (metro, provider, ASN,
 * accelerator), the node with the most spare memory (more nodes of the same kind in the same place add
 * memory but neither distance nor independence).
 */
export function spareSlots(nodes: readonly Node[], models: readonly Model[]): SiteInput[] {
  const size = new Map(models.map((m) => [m.id, footprintGb(m.weightsGb)] as const));
  const best = new Map<string, SiteInput>();
  for (const n of nodes) {
    if (!serves(n) || n.hardware.accelerator === 'api') continue;
    const used = warmModels(n).reduce((s, id) => s + (size.get(id) ?? 0), 0);
    const spare = Math.floor(residentCapacityGb(n.hardware, n.storage) - used);
    if (spare < 1) continue;
    const labels = labelsOf(n);
    const key = [n.location.metro, labels.provider, labels.asn, n.hardware.accelerator].join('|');
    const prior = best.get(key);
    if (prior !== undefined && prior.memoryGb >= spare) continue;
    best.set(key, {
      id: `spare:${n.id}`,
      metro: n.location.metro,
      labels,
      accelerator: n.hardware.accelerator,
      count: n.hardware.count,
      slots: n.slots,
      memoryGb: spare,
      costUsdMonth: 0,
      existingNode: n.id,
    });
  }
  return [...best.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The median of a token distribution. */
function medianTokens(d: ResolvedDistribution): number {
  return d.kind === 'fixed' ? d.value : d.median;
}

/**
 * Models with popularity from the demand's model mix (models outside the mix get 0), and the service
 * time of a typical request (median tokens of a synthetic demand; 512 in, 256 out for a trace) per
 * accelerator class, bounded by `maxServiceMs` (the SLO less the coverage threshold's RTT).
 */
export function placementModels(scenario: ScenarioLike, maxServiceMs?: number): PlacementModel[] {
  const share = new Map(scenario.demand.models.map((w) => [w.id, w.weight] as const));
  const d = scenario.demand;
  const inTok = d.kind === 'synthetic' ? medianTokens(d.tokens.input) : TYPICAL_TOKENS.input;
  const outTok = d.kind === 'synthetic' ? medianTokens(d.tokens.output) : TYPICAL_TOKENS.output;
  return scenario.models.map((m) => {
    const speed: NonNullable<PlacementModel['serviceMs']> = {};
    for (const [acc, p] of Object.entries(m.performance) as [AcceleratorClass, Performance][]) {
      const ms = serviceMs(inTok, outTok, p.prefillMsPer1k, p.decodeMsPerToken, p.decodeSlope, 1, 1);
      speed[acc] = p.devices === undefined ? { ms } : { ms, devices: p.devices };
    }
    return {
      id: m.id,
      weightsGb: m.weightsGb,
      footprintGb: footprintGb(m.weightsGb),
      popularity: share.get(m.id) ?? 0,
      accelerators: Object.keys(m.performance) as PlacementModel['accelerators'],
      serviceMs: speed,
      ...(maxServiceMs === undefined ? {} : { maxServiceMs }),
    };
  });
}

/** Tokens of a typical request when the demand states none (a trace). */
const TYPICAL_TOKENS = { input: 512, output: 256 };

/** Demand metros with their shares and catalog regions (forecast requests per metro when given). */
export function demandPoints(scenario: ScenarioLike, forecast?: ForecastDemand): DemandPoint[] {
  const weights = forecast?.places ?? scenario.demand.metros.map((w) => [w.id, w.weight] as const);
  return [...weights].map(([metro, weight]) => ({
    metro,
    region: metroById(metro)?.region ?? 'unknown',
    weight,
  }));
}

export interface ProblemOptions {
  options?: Partial<PlacementOptions>;
  /** Candidate sites; default: the provider catalog. */
  candidates?: readonly SiteInput[];
  /** Let existing nodes keep more models warm in spare memory (default true). */
  useSpareMemory?: boolean;
  rtt?: RttFn;
  /**
   * Plan for forecast demand (`forecast.ts`): its places, model popularity and peak rate replace the
   * scenario's declared demand metros, model mix and peak.
   */
  forecast?: ForecastDemand;
}

/** Placement inputs for a scenario. */
export function placementInputFromScenario(
  scenario: ScenarioLike,
  opts: ProblemOptions = {},
): PlacementInput {
  const options = { ...DEFAULT_PLACEMENT_OPTIONS, ...opts.options };
  const { forecast } = opts;
  const declared = placementModels(scenario, options.sloMs - options.thresholdMs);
  const models =
    forecast === undefined
      ? declared
      : declared.map((m) => ({ ...m, popularity: forecast.models.get(m.id) ?? 0 }));
  const peakRps =
    forecast?.peakRps ??
    (scenario.demand.kind === 'synthetic'
      ? scenario.demand.totalRps * (1 + scenario.demand.diurnal.amplitude)
      : undefined);
  return {
    sites: opts.candidates ?? catalogCandidates(),
    slots: opts.useSpareMemory === false ? [] : spareSlots(scenario.nodes, scenario.models),
    existing: existingNodes(scenario.nodes),
    demand: demandPoints(scenario, forecast),
    models,
    ...(peakRps === undefined ? {} : { peakRps }),
    rtt: opts.rtt ?? metroRtt(),
    options,
  };
}

/** The latency world of a placement input (for `evaluate.ts`). */
export function latencyWorld(input: PlacementInput): LatencyWorld {
  return {
    demand: input.demand,
    models: input.models,
    rtt: input.rtt,
    thresholdMs: input.options.thresholdMs,
  };
}
