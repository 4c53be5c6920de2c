import type { Label } from '../model/labels.js';
import { type Node, Storage } from '../model/node.js';
import { concentration } from '../resilience/concentration.js';
import { marginalOf, prepareMarginal } from '../resilience/marginal.js';
import { dimensionsOf } from '../resilience/member.js';
import type { NakamotoThreshold } from '../stats/nakamoto.js';
import type { Instance } from './instance.js';
import { type LatencyWorld, type ServiceLevels, ServiceLevelTracker } from './latency.js';
import { applyPick, CoverageState } from './objective.js';
import type { Pick, Plan, SiteInput } from './types.js';

/**
 * What a plan does, recommendation by recommendation (in plan order, each given the ones before it) and
 * in total: objective gain, coverage, Δ latency p50/p95 per region, Δ HHI / Nakamoto per dimension
 * (node count, `src/resilience`), and monthly cost.
 */

export interface EvaluateContext {
  world: LatencyWorld;
  /** The existing network. */
  nodes: readonly Node[];
  /** Coordinates (and country) of a metro, for proposed nodes. */
  location(metro: string): { lat: number; lon: number; country?: string };
  /**
   * Operator label shared by every proposed node; undefined = each proposed node its own new operator
   * (`proposed-1`, `proposed-2`, …), so K new nodes count as K independent operators.
   */
  operator?: string;
  /** Dimensions to report; default: every dimension of the existing nodes. */
  dimensions?: readonly string[];
}

export interface Change<T> {
  before: T;
  after: T;
}

export interface LatencyChange {
  region: string;
  p50: Change<number>;
  p95: Change<number>;
}

export interface ConcentrationChange {
  dimension: string;
  /** The recommended node's value (null for the plan total). */
  value: string | null;
  newValue: boolean;
  share: Change<number>;
  hhi: Change<number>;
  nakamoto: Change<Record<NakamotoThreshold, number>>;
}

export interface Recommendation {
  rank: number;
  kind: 'new-node' | 'warm-existing';
  node: string;
  site: string;
  metro: string;
  labels: Record<string, string>;
  accelerator: string;
  count: number;
  memoryGb: number;
  models: string[];
  /** Monthly cost of a new node; null when its price is unknown; 0 for a warm-set change (no new hardware). */
  costUsdMonth: number | null;
  /** Objective gain of this recommendation given the ones before it. */
  gain: number;
  coverage: Change<number>;
  coverage2: Change<number>;
  latency: LatencyChange[];
  concentration: ConcentrationChange[];
}

export interface PlanEvaluation {
  recommendations: Recommendation[];
  total: {
    /** Sum over the new nodes; null when any of them has an unknown price. */
    costUsdMonth: number | null;
    /** New nodes whose price is unknown. */
    unpricedNodes: number;
    /** New nodes recommended (at most K) and warm-set changes on existing nodes (not counted in K). */
    newNodes: number;
    warmChanges: number;
    gain: number;
    coverage: Change<number>;
    coverage2: Change<number>;
    worstFailure: Change<{ provider: string | null; coverage: number }>;
    latency: LatencyChange[];
    concentration: ConcentrationChange[];
  };
  /** The network after the plan. */
  nodes: Node[];
}

const declared = (value: string): Label => ({ value, provenance: 'declared' });

/** The node a new-site pick proposes. */
export function proposedNode(
  site: SiteInput,
  models: readonly string[],
  id: string,
  ctx: EvaluateContext,
): Node {
  const loc = ctx.location(site.metro);
  const labels: Record<string, Label> = {};
  for (const [d, v] of Object.entries(site.labels)) labels[d] = declared(v);
  labels.operator ??= declared(ctx.operator ?? id);
  labels.country ??= declared(loc.country ?? 'unknown');
  labels.provider ??= declared('unknown');
  labels.asn ??= declared('unknown');
  labels.datacenter ??= declared(`${labels.provider.value}-${site.metro}`);
  return {
    id,
    roles: ['inference'],
    location: { lat: loc.lat, lon: loc.lon, metro: site.metro },
    labels: labels as Node['labels'],
    hardware: {
      accelerator: site.accelerator,
      count: site.count,
      memoryGb: site.memoryGb / Math.max(1, site.count),
    },
    storage: Storage.parse({}),
    slots: 8,
    pricePer1kTokens: 0,
    verification: ['vanilla'],
    models: models.map((model) => ({ model, tier: 'gpu' as const })),
  };
}

function withWarm(node: Node, models: readonly string[]): Node {
  const rest = node.models.filter((h) => !models.includes(h.model));
  return { ...node, models: [...rest, ...models.map((model) => ({ model, tier: 'gpu' as const }))] };
}

function latencyChanges(before: ServiceLevels, after: ServiceLevels): LatencyChange[] {
  const prior = new Map(before.regions.map((r) => [r.region, r]));
  return after.regions.map((r) => {
    const b = prior.get(r.region);
    return {
      region: r.region,
      p50: { before: b?.p50 ?? Number.NaN, after: r.p50 },
      p95: { before: b?.p95 ?? Number.NaN, after: r.p95 },
    };
  });
}

function concentrationChanges(
  nodes: readonly Node[],
  added: Node,
  dimensions: readonly string[],
): ConcentrationChange[] {
  const base = prepareMarginal(nodes, { dimensions, weighting: { kind: 'count' } });
  const effect = marginalOf(base, added);
  return dimensions.map((dimension) => {
    const d = effect.dimensions[dimension]!;
    return {
      dimension,
      value: d.value,
      newValue: d.newValue,
      share: { before: d.before.share, after: d.after.share },
      hhi: { before: d.before.hhi, after: d.after.hhi },
      nakamoto: { before: d.before.nakamoto, after: d.after.nakamoto },
    };
  });
}

/**
 * The plan with its new nodes first, then its warm-set changes on existing nodes, each part in plan
 * order: the answer to "where do my K new nodes go" comes first, and each warm change is judged given
 * the new nodes.
 */
export function newNodesFirst(inst: Instance, plan: Plan): Plan {
  const isNew = (p: Pick) => inst.sites[p.site]!.isNew;
  return { picks: [...plan.picks.filter(isNew), ...plan.picks.filter((p) => !isNew(p))] };
}

/** Evaluates a plan (new nodes first, see `newNodesFirst`) against the existing network of `ctx`. */
export function evaluatePlan(inst: Instance, givenPlan: Plan, ctx: EvaluateContext): PlanEvaluation {
  const plan = newNodesFirst(inst, givenPlan);
  const dimensions = ctx.dimensions ?? dimensionsOf(ctx.nodes);
  const state = new CoverageState(inst);
  const nodes: Node[] = [...ctx.nodes];
  const byId = new Map(nodes.map((n, i) => [n.id, i] as const));
  const tracker = new ServiceLevelTracker(ctx.world, nodes);
  const first = tracker.levels();
  let levels = first;
  const recommendations: Recommendation[] = [];
  let newCount = 0;
  plan.picks.forEach((pick, k) => {
    const site = inst.sites[pick.site]!;
    const modelIds = pick.models.map((m) => inst.models[m]!.id);
    const gain = applyPick(inst, state, pick);
    let changes: ConcentrationChange[] = [];
    let nodeId: string;
    if (site.isNew) {
      newCount++;
      nodeId = `proposed-${newCount}`;
      const node = proposedNode(site.input, modelIds, nodeId, ctx);
      changes = concentrationChanges(nodes, node, dimensions);
      nodes.push(node);
      tracker.addNode(node);
    } else {
      nodeId = site.input.existingNode ?? site.input.id;
      const at = byId.get(nodeId);
      if (at !== undefined) {
        tracker.addWarm(nodes[at]!, modelIds);
        nodes[at] = withWarm(nodes[at]!, modelIds);
      }
    }
    const next = tracker.levels();
    recommendations.push({
      rank: k + 1,
      kind: site.isNew ? 'new-node' : 'warm-existing',
      node: nodeId,
      site: site.input.id,
      metro: site.input.metro,
      labels: { ...site.input.labels },
      accelerator: site.input.accelerator,
      count: site.input.count,
      memoryGb: site.input.memoryGb,
      models: modelIds,
      costUsdMonth: !site.isNew ? 0 : site.input.priceUnknown ? null : site.input.costUsdMonth,
      gain,
      coverage: { before: levels.coverage, after: next.coverage },
      coverage2: { before: levels.coverage2, after: next.coverage2 },
      latency: latencyChanges(levels, next),
      concentration: changes,
    });
    levels = next;
  });
  const opts = { dimensions, weighting: { kind: 'count' } as const };
  const before = concentration(ctx.nodes, opts).dimensions;
  const after = concentration(nodes, opts).dimensions;
  const total = dimensions.map(
    (dimension): ConcentrationChange => ({
      dimension,
      value: null,
      newValue: false,
      share: { before: 0, after: 0 },
      hhi: { before: before[dimension]!.hhi, after: after[dimension]!.hhi },
      nakamoto: { before: before[dimension]!.nakamoto, after: after[dimension]!.nakamoto },
    }),
  );
  const unpricedNodes = recommendations.filter((r) => r.costUsdMonth === null).length;
  return {
    recommendations,
    total: {
      costUsdMonth: unpricedNodes > 0 ? null : recommendations.reduce((s, r) => s + (r.costUsdMonth ?? 0), 0),
      unpricedNodes,
      newNodes: newCount,
      warmChanges: recommendations.length - newCount,
      gain: state.value,
      coverage: { before: first.coverage, after: levels.coverage },
      coverage2: { before: first.coverage2, after: levels.coverage2 },
      worstFailure: { before: first.worstFailure, after: levels.worstFailure },
      latency: latencyChanges(first, levels),
      concentration: total,
    },
    nodes,
  };
}
