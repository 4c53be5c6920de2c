import { residentCapacityGb } from '../model/capability.js';
import type { Node } from '../model/node.js';
import { concentration } from '../resilience/concentration.js';
import { marginalEffect } from '../resilience/marginal.js';
import { dimensionsOf } from '../resilience/member.js';
import { percent } from '../scenario/text-table.js';
import type { NakamotoThreshold } from '../stats/nakamoto.js';
import type { Change, LatencyChange } from './evaluate.js';
import { greedy } from './greedy.js';
import { compileInstance } from './instance.js';
import { ServiceLevelTracker } from './latency.js';
import { planValue } from './objective.js';
import { latencyWorld, placementInputFromScenario, type ScenarioLike } from './problem.js';
import type { PlacementOptions, SiteInput } from './types.js';

/**
 * Marginal effect of one proposed node (`meridian score-node`): concentration on every dimension (node
 * count), coverage and latency, the placement objective gain, and a plain-language verdict.
 */

export interface DimensionScore {
  value: string | null;
  newValue: boolean;
  /** Share of the node's own value. */
  share: Change<number>;
  /** The largest value before the node joins, and its share before/after. */
  top: { value: string; share: Change<number> } | null;
  hhi: Change<number>;
  nakamoto: Change<Record<NakamotoThreshold, number>>;
}

export interface NodeScore {
  node: { id: string; metro: string; labels: Record<string, string>; warm: string[]; warmChosen: boolean };
  dimensions: Record<string, DimensionScore>;
  /** Σ over dimensions of (HHI before − HHI after): positive = the network depends less on anyone. */
  independence: number;
  /** Placement objective gain (docs/placement.md) of the node with its warm models. */
  gain: number;
  coverage: Change<number>;
  coverage2: Change<number>;
  worstFailure: Change<{ provider: string | null; coverage: number }>;
  latency: LatencyChange[];
  verdict: string;
}

function siteOf(node: Node): SiteInput {
  const labels: Record<string, string> = {};
  for (const [d, l] of Object.entries(node.labels)) if (l !== undefined) labels[d] = l.value;
  return {
    id: node.id,
    metro: node.location.metro,
    labels,
    accelerator: node.hardware.accelerator,
    count: node.hardware.count,
    // Memory for warm models as the capability rule counts it (host RAM on cpu); a proxy keeps nothing warm.
    memoryGb: node.hardware.accelerator === 'api' ? 0 : residentCapacityGb(node.hardware, node.storage),
    costUsdMonth: 0,
  };
}

/** Two shares as percentages with enough decimals (1 to 3) to tell them apart. */
export function percentPair(before: number, after: number): [string, string] {
  for (let d = 1; d <= 3; d++) {
    const a = `${(before * 100).toFixed(d)}%`;
    const b = `${(after * 100).toFixed(d)}%`;
    if (a !== b || d === 3) return [a, b];
  }
  return [percent(before), percent(after)];
}

function dimensionPhrase(dim: string, d: DimensionScore, always: boolean): string | undefined {
  const name = dim === 'asn' ? 'ASN' : dim;
  const parts: string[] = [];
  if (d.newValue) parts.push(`adds a new ${name} (${d.value})`);
  else if (always && d.value !== null) parts.push(`adds no new ${name}`);
  if (d.top !== null && always) {
    const more = d.top.share.after > d.top.share.before;
    const [from, to] = percentPair(d.top.share.before, d.top.share.after);
    parts.unshift(
      `${more ? 'increases' : 'reduces'} dependence on ${name} ${d.top.value} from ${from} to ${to}`,
    );
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** The plain verdict: provider and ASN always, other dimensions when the node adds a new value. */
export function verdictOf(score: Omit<NodeScore, 'verdict'>): string {
  const phrases: string[] = [];
  for (const [dim, d] of Object.entries(score.dimensions)) {
    const p = dimensionPhrase(dim, d, dim === 'provider' || dim === 'asn');
    if (p !== undefined) phrases.push(p);
  }
  const c = score.coverage;
  const [c0, c1] = percentPair(c.before, c.after);
  const [r0, r1] = percentPair(score.coverage2.before, score.coverage2.after);
  phrases.push(
    c.after > c.before + 1e-12 || score.coverage2.after > score.coverage2.before + 1e-12
      ? `raises coverage from ${c0} to ${c1} (by two providers ${r0} → ${r1})`
      : 'adds no coverage',
  );
  return phrases.join('; ');
}

export interface ScoreOptions {
  options?: Partial<PlacementOptions>;
  /** Dimensions to score; default: every dimension of the network and the node. */
  dimensions?: readonly string[];
}

/**
 * Scores `node` joining the scenario's network. When the node lists no warm model, it is scored with the
 * warm set the placement objective would choose for its memory (`warmChosen`).
 */
export function scoreNode(scenario: ScenarioLike, node: Node, opts: ScoreOptions = {}): NodeScore {
  const input = placementInputFromScenario(scenario, {
    options: { ...opts.options, add: 1, caps: {}, warmExisting: 0 },
    candidates: [siteOf(node)],
    useSpareMemory: false,
  });
  const inst = compileInstance(input);
  let warm = node.models.filter((h) => h.tier === 'gpu').map((h) => h.model);
  const warmChosen = warm.length === 0;
  let gain: number;
  if (warmChosen) {
    const plan = greedy(inst);
    warm = (plan.picks[0]?.models ?? []).map((m) => inst.models[m]!.id);
    gain = planValue(inst, plan);
  } else {
    const ids = new Map(inst.models.map((m, i) => [m.id, i] as const));
    const models = warm.flatMap((id) => (ids.has(id) ? [ids.get(id)!] : []));
    gain = inst.sites.length > 0 ? planValue(inst, { picks: [{ site: 0, models }] }) : 0;
  }
  const scored: Node = warmChosen
    ? { ...node, models: [...node.models, ...warm.map((model) => ({ model, tier: 'gpu' as const }))] }
    : node;

  const existing = scenario.nodes;
  const dims = opts.dimensions ?? dimensionsOf([...existing, scored]);
  const effect = marginalEffect(existing, scored, dims, { kind: 'count' });
  const before = concentration(existing, { dimensions: dims, weighting: { kind: 'count' }, top: 1 });
  const dimensions: Record<string, DimensionScore> = {};
  let independence = 0;
  for (const dim of dims) {
    const d = effect.dimensions[dim]!;
    const topBefore = before.dimensions[dim]?.top[0];
    const n = existing.length;
    const top =
      topBefore === undefined
        ? null
        : {
            value: topBefore.value,
            share: {
              before: topBefore.share,
              after: (topBefore.share * n + (topBefore.value === d.value ? 1 : 0)) / (n + 1),
            },
          };
    dimensions[dim] = {
      value: d.value,
      newValue: d.newValue,
      share: { before: d.before.share, after: d.after.share },
      top,
      hhi: { before: d.before.hhi, after: d.after.hhi },
      nakamoto: { before: d.before.nakamoto, after: d.after.nakamoto },
    };
    independence += d.before.hhi - d.after.hhi;
  }

  const tracker = new ServiceLevelTracker(latencyWorld(input), existing);
  const lv0 = tracker.levels();
  tracker.addNode(scored);
  const lv1 = tracker.levels();
  const prior = new Map(lv0.regions.map((r) => [r.region, r]));
  const partial: Omit<NodeScore, 'verdict'> = {
    node: {
      id: node.id,
      metro: node.location.metro,
      labels: siteOf(node).labels as Record<string, string>,
      warm,
      warmChosen,
    },
    dimensions,
    independence,
    gain,
    coverage: { before: lv0.coverage, after: lv1.coverage },
    coverage2: { before: lv0.coverage2, after: lv1.coverage2 },
    worstFailure: { before: lv0.worstFailure, after: lv1.worstFailure },
    latency: lv1.regions.map((r) => ({
      region: r.region,
      p50: { before: prior.get(r.region)?.p50 ?? Number.NaN, after: r.p50 },
      p95: { before: prior.get(r.region)?.p95 ?? Number.NaN, after: r.p95 },
    })),
  };
  return { ...partial, verdict: verdictOf(partial) };
}
