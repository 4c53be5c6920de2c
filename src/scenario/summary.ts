import { metroById } from '../geo/metros.js';
import type { Node } from '../model/node.js';
import { matchesSelector } from './selector.js';
import type { ResolvedBurst, ResolvedFailure, Scenario, WeightedId } from './types.js';
import { type OfferedLoad, offeredLoad } from './utilization.js';

/** What `meridian scenario show` prints: counts and shares computed from a resolved scenario. */

export interface Count {
  key: string;
  count: number;
  /** count / total, in [0, 1]. */
  share: number;
}

export interface ModelRow {
  id: string;
  kind: string;
  weightsGb: number;
  /** Demand popularity share (0 when the model gets no requests). */
  popularity: number;
  /** Nodes holding the model in each tier. */
  warm: number;
  hostRam: number;
  localDisk: number;
}

export interface ScenarioSummary {
  name: string;
  description: string;
  seed: number;
  durationS: number;
  stalenessMs: number;
  nodes: {
    total: number;
    distinct: { providers: number; operators: number; metros: number; countries: number; asns: number };
    byProvider: Count[];
    byOperator: Count[];
    byMetro: Count[];
    byCountry: Count[];
    byRole: Count[];
    byAccelerator: Count[];
    byUpstream: Count[];
  };
  models: ModelRow[];
  datasets: { id: string; sizeGb: number; copies: number; metros: string[] }[];
  demand: {
    kind: 'synthetic' | 'trace';
    totalRps?: number;
    traceFile?: string;
    topMetros: Count[];
    popularityHead: Count[];
    verification: Record<string, number>;
    bursts: ResolvedBurst[];
    /** Offered load ÷ slot capacity, on average and at the diurnal peak (null for a trace). */
    utilization: OfferedLoad | null;
  };
  failures: (ResolvedFailure & { matchedNodes: number })[];
  policies: string[];
}

/** Counts by `key`, largest first (ties by key), the first `top` kept and the rest folded into one row. */
export function countBy<T>(
  items: readonly T[],
  key: (item: T) => string | readonly string[] | undefined,
  top = Infinity,
): Count[] {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    for (const one of typeof k === 'string' ? [k] : k) counts.set(one, (counts.get(one) ?? 0) + 1);
  }
  const total = items.length;
  const rows = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, count]) => ({ key: k, count, share: total === 0 ? 0 : count / total }));
  if (rows.length <= top) return rows;
  const rest = rows.slice(top);
  const restCount = rest.reduce((s, r) => s + r.count, 0);
  return [
    ...rows.slice(0, top),
    { key: `(${rest.length} more)`, count: restCount, share: total === 0 ? 0 : restCount / total },
  ];
}

function weightedHead(list: readonly WeightedId[], top: number): Count[] {
  const sorted = [...list].sort((a, b) => b.weight - a.weight);
  const head = sorted.slice(0, top).map((w) => ({ key: w.id, count: 0, share: w.weight }));
  const rest = sorted.slice(top);
  if (rest.length === 0) return head;
  return [...head, { key: `(${rest.length} more)`, count: 0, share: rest.reduce((s, w) => s + w.weight, 0) }];
}

export function summarizeScenario(s: Scenario, top = 10): ScenarioSummary {
  const nodes = s.nodes;
  const label = (d: string) => (n: Node) => n.labels[d]?.value;
  const distinct = (f: (n: Node) => string | undefined) =>
    new Set(nodes.map(f).filter((v) => v !== undefined)).size;
  const tiers = new Map<string, { warm: number; hostRam: number; localDisk: number }>();
  for (const n of nodes) {
    for (const h of n.models) {
      const t = tiers.get(h.model) ?? { warm: 0, hostRam: 0, localDisk: 0 };
      if (h.tier === 'gpu') t.warm++;
      else if (h.tier === 'hostRam') t.hostRam++;
      else if (h.tier === 'localDisk') t.localDisk++;
      tiers.set(h.model, t);
    }
  }
  const popularity = new Map(s.demand.models.map((w) => [w.id, w.weight]));
  return {
    name: s.name,
    description: s.description,
    seed: s.seed,
    durationS: s.durationS,
    stalenessMs: s.stalenessMs,
    nodes: {
      total: nodes.length,
      distinct: {
        providers: distinct(label('provider')),
        operators: distinct(label('operator')),
        metros: distinct((n) => n.location.metro),
        countries: distinct(label('country')),
        asns: distinct(label('asn')),
      },
      byProvider: countBy(nodes, label('provider')),
      byOperator: countBy(nodes, label('operator'), top),
      byMetro: countBy(nodes, (n) => n.location.metro, top),
      byCountry: countBy(nodes, label('country'), top),
      byRole: countBy(nodes, (n) => n.roles),
      byAccelerator: countBy(nodes, (n) => n.hardware.accelerator),
      byUpstream: countBy(nodes, label('upstream')),
    },
    models: s.models.map((m) => ({
      id: m.id,
      kind: m.kind,
      weightsGb: m.weightsGb,
      popularity: popularity.get(m.id) ?? 0,
      ...(tiers.get(m.id) ?? { warm: 0, hostRam: 0, localDisk: 0 }),
    })),
    datasets: s.datasets.map((d) => ({
      id: d.id,
      sizeGb: d.sizeGb,
      copies: d.heldBy.length,
      metros: [...new Set(d.heldBy.map((id) => nodes.find((n) => n.id === id)?.location.metro ?? '?'))],
    })),
    demand: {
      kind: s.demand.kind,
      ...(s.demand.kind === 'synthetic' ? { totalRps: s.demand.totalRps } : { traceFile: s.demand.file }),
      topMetros: weightedHead(s.demand.metros, top),
      popularityHead: weightedHead(s.demand.models, top),
      verification: { ...s.demand.verification },
      bursts: s.demand.bursts,
      utilization: offeredLoad(s),
    },
    failures: s.failures.map((f) => ({
      ...f,
      matchedNodes:
        f.selector === undefined ? nodes.length : nodes.filter((n) => matchesSelector(n, f.selector!)).length,
    })),
    policies: [...s.policies],
  };
}

/** Metro name for display, or the id. */
export function metroName(id: string): string {
  return metroById(id)?.name ?? id;
}
