import { BUILTIN_MODELS } from '../model/catalog/models.js';
import { analyzeNetwork } from '../resilience/analyze.js';
import type { Member } from '../resilience/member.js';
import { metroGeo } from '../resilience/metro-geo.js';
import type { OutageResult } from '../resilience/whatif.js';
import type { Coordinator } from '../server/coordinator.js';
import { healthOf } from '../server/telemetry.js';

/**
 * What the dashboard shows, computed from the running coordinator by the same code the API and
 * `meridian analyze` use: nodes from the registry with their latest telemetry, concentration and
 * what-if outages from `analyzeNetwork`. Every number the page shows is one of these.
 */
export interface UiNode {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  readonly metro: string;
  readonly operator: string;
  /** Dimension → value (provider, asn, country, operator, …). */
  readonly labels: Readonly<Record<string, string>>;
  readonly roles: readonly string[];
  readonly slots: number;
  readonly dyn: UiNodeDyn;
}

/** The parts of a node that change with every heartbeat (sent alone on the live stream). */
export interface UiNodeDyn {
  readonly health: 'fresh' | 'stale' | 'unhealthy';
  readonly breaker: string;
  /** Requests running and queued as last reported, plus the gateway's own in flight. */
  readonly running: number;
  readonly queued: number;
  readonly inflight: number;
  /** (running + queued) / slots, 0 without slots. */
  readonly load: number;
  readonly warm: readonly string[];
  readonly loading: readonly string[];
}

export interface UiConcentrationRow {
  readonly dimension: string;
  readonly values: number;
  readonly hhi: number;
  readonly effective: number;
  readonly nakamoto: Readonly<Record<string, number>>;
  /** The heaviest values with their shares. */
  readonly top: readonly { readonly value: string; readonly share: number }[];
}

export interface UiState {
  readonly at: number;
  readonly nodes: readonly UiNode[];
  readonly concentration: {
    readonly weighting: string;
    readonly rows: readonly UiConcentrationRow[];
  };
  /** Warm replicas per model among healthy nodes, most first. */
  readonly models: readonly { readonly model: string; readonly warm: number; readonly loading: number }[];
}

function dynOf(c: Coordinator, id: string, slots: number, now: number): UiNodeDyn {
  const hb = c.network.telemetry.get(id)?.heartbeat;
  const running = hb?.inFlight ?? 0;
  const queued = hb?.queue ?? 0;
  return {
    health: healthOf(c.network.telemetry.ageMs(id, now), c.config.telemetry),
    breaker: c.breakers.nodeState(id, now),
    running,
    queued,
    inflight: c.network.inflightOf(id),
    load: slots > 0 ? (running + queued) / slots : 0,
    warm: hb?.models.filter((m) => m.state === 'warm').map((m) => m.id) ?? [],
    loading: hb?.models.filter((m) => m.state === 'loading').map((m) => m.id) ?? [],
  };
}

export function uiNodes(c: Coordinator, now = c.now()): UiNode[] {
  return c.registry
    .all()
    .map((n) => {
      const d = n.descriptor;
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(d.labels)) if (v !== undefined) labels[k] = v.value;
      labels.operator ??= n.record.operator;
      return {
        id: n.record.id,
        lat: d.location.lat,
        lon: d.location.lon,
        metro: d.location.metro,
        operator: n.record.operator,
        labels,
        roles: d.roles,
        slots: d.slots,
        dyn: dynOf(c, n.record.id, d.slots, now),
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The live registry as analysis members: labels, slots, hardware, place, and the models warm now. */
export function uiMembers(nodes: readonly UiNode[], c: Coordinator): Member[] {
  const byId = new Map(c.registry.all().map((n) => [n.record.id, n]));
  return nodes.map((n) => {
    const d = byId.get(n.id)!.descriptor;
    return {
      id: n.id,
      labels: Object.fromEntries(Object.entries(n.labels).map(([k, v]) => [k, { value: v }])),
      roles: n.roles,
      slots: n.slots,
      hardware: d.hardware,
      models: n.dyn.health === 'unhealthy' ? [] : n.dyn.warm.map((model) => ({ model, tier: 'gpu' })),
      location: { lat: n.lat, lon: n.lon, metro: n.metro },
    };
  });
}

export function uiState(c: Coordinator): UiState {
  const now = c.now();
  const nodes = uiNodes(c, now);
  const analysis = analyzeNetwork(uiMembers(nodes, c), { whatif: false, top: 3 });
  const models = new Map<string, { warm: number; loading: number }>();
  for (const n of nodes) {
    if (n.dyn.health === 'unhealthy') continue;
    for (const m of n.dyn.warm)
      models.set(m, { warm: (models.get(m)?.warm ?? 0) + 1, loading: models.get(m)?.loading ?? 0 });
    for (const m of n.dyn.loading)
      models.set(m, { warm: models.get(m)?.warm ?? 0, loading: (models.get(m)?.loading ?? 0) + 1 });
  }
  return {
    at: now,
    nodes,
    concentration: {
      weighting: analysis.weighting,
      rows: Object.entries(analysis.dimensions).map(([dimension, d]) => ({
        dimension,
        values: d.groups,
        hhi: d.hhi,
        effective: d.effective,
        nakamoto: d.nakamoto,
        top: d.top.map((t) => ({ value: t.value, share: t.share })),
      })),
    },
    models: [...models]
      .map(([model, v]) => ({ model, ...v }))
      .sort((a, b) => b.warm - a.warm || (a.model < b.model ? -1 : 1)),
  };
}

/** What the network loses if every node with `dimension = value` goes down (the analysis what-if). */
export function uiWhatIf(c: Coordinator, dimension: string, value: string): OutageResult {
  const nodes = uiNodes(c);
  const analysis = analyzeNetwork(uiMembers(nodes, c), {
    whatif: false,
    models: BUILTIN_MODELS,
    geo: metroGeo(),
    outages: [[{ dimension, value }]],
  });
  return analysis.whatif[0]!;
}
