import { BUILTIN_MODELS } from '../model/catalog/models.js';
import { analyzeNetwork } from '../resilience/analyze.js';
import type { Member } from '../resilience/member.js';
import { metroGeo } from '../resilience/metro-geo.js';
import type { OutageResult } from '../resilience/whatif.js';
import type { Coordinator } from '../server/coordinator.js';
import { healthOf } from '../server/telemetry.js';
import type { ErrorPoint, TrustPoint } from './history.js';

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
  /** The trust verdict, when the coordinator keeps one (absent otherwise). */
  readonly trust?: UiTrust;
}

export interface UiTrust {
  readonly quarantined: boolean;
  readonly reason?: string;
  /** 0 … 1, higher is more trusted. */
  readonly score: number;
}

/**
 * Who is looking: node coordinates are exact for the admin and a node's own operator and rounded to
 * 0.1° (about 11 km, the scale of a metro) for everyone else, as `/v1/nodes` shows only the metro.
 */
export interface UiView {
  readonly exact: (operator: string) => boolean;
  /** The coordinator's trust verdict on a node, when it keeps one. */
  readonly trustOf?: (id: string) => UiTrust | undefined;
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
  /** Absent when asked without (`?nodes=0`). */
  readonly nodes?: readonly UiNode[];
  readonly concentration: {
    readonly weighting: string;
    readonly rows: readonly UiConcentrationRow[];
  };
  /** Warm replicas per model among healthy nodes, most first. */
  readonly models: readonly { readonly model: string; readonly warm: number; readonly loading: number }[];
  readonly history: {
    readonly predictionError: readonly ErrorPoint[];
    readonly trust: readonly TrustPoint[];
  };
  /** The rights the request was read with (a refused key reads as anonymous, with the reason). */
  readonly viewer: { readonly role: string; readonly refused?: string };
}

function dynOf(c: Coordinator, id: string, slots: number, now: number, view: UiView): UiNodeDyn {
  const hb = c.network.telemetry.get(id)?.heartbeat;
  const running = hb?.inFlight ?? 0;
  const queued = hb?.queue ?? 0;
  const trust = view.trustOf?.(id);
  return {
    health: healthOf(c.network.telemetry.ageMs(id, now), c.config.telemetry),
    breaker: c.breakers.nodeState(id, now),
    running,
    queued,
    inflight: c.network.inflightOf(id),
    load: slots > 0 ? (running + queued) / slots : 0,
    warm: hb?.models.filter((m) => m.state === 'warm').map((m) => m.id) ?? [],
    loading: hb?.models.filter((m) => m.state === 'loading').map((m) => m.id) ?? [],
    ...(trust === undefined ? {} : { trust }),
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** The fixed part of a node (all but `dyn`). */
export type UiNodeFixed = Omit<UiNode, 'dyn'>;
type Entry = ReturnType<Coordinator['registry']['all']>[number];

/**
 * The fixed part of each registry entry, exact and rounded, made once per entry: the registry replaces an
 * entry when its node registers again or updates, so the same object means the same fixed part.
 */
const fixedParts = new WeakMap<Entry, { exact: UiNodeFixed; rounded: UiNodeFixed }>();

function fixedOf(n: Entry, exact: boolean): UiNodeFixed {
  let parts = fixedParts.get(n);
  if (parts === undefined) {
    const d = n.descriptor;
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.labels)) if (v !== undefined) labels[k] = v.value;
    labels.operator ??= n.record.operator;
    const base = { id: n.record.id, metro: d.location.metro, operator: n.record.operator, labels };
    const rest = { roles: d.roles, slots: d.slots };
    parts = {
      exact: { ...base, lat: d.location.lat, lon: d.location.lon, ...rest },
      rounded: { ...base, lat: round1(d.location.lat), lon: round1(d.location.lon), ...rest },
    };
    fixedParts.set(n, parts);
  }
  return exact ? parts.exact : parts.rounded;
}

/** Every registered node as `view` may see it, by id, as its fixed part (shared, never copied) and its `dyn`. */
export function uiNodeParts(
  c: Coordinator,
  view: UiView,
  now = c.now(),
): { fixed: UiNodeFixed; dyn: UiNodeDyn }[] {
  return c.registry
    .all()
    .map((n) => ({
      fixed: fixedOf(n, view.exact(n.record.operator)),
      dyn: dynOf(c, n.record.id, n.descriptor.slots, now, view),
    }))
    .sort((a, b) => (a.fixed.id < b.fixed.id ? -1 : a.fixed.id > b.fixed.id ? 1 : 0));
}

/** Every registered node as `view` may see it, by id. */
export function uiNodes(c: Coordinator, view: UiView, now = c.now()): UiNode[] {
  return uiNodeParts(c, view, now).map((p) => ({ ...p.fixed, dyn: p.dyn }));
}

/** Everything at its exact place, for the analysis (what it computes is aggregate, not per-node places). */
const EXACT: UiView = { exact: () => true };

/** The live registry as analysis members: labels, slots, hardware, place, and the models warm now. */
export function uiMembers(c: Coordinator, now = c.now()): Member[] {
  const byId = new Map(c.registry.all().map((n) => [n.record.id, n]));
  return uiNodes(c, EXACT, now).map((n) => ({
    id: n.id,
    labels: Object.fromEntries(Object.entries(n.labels).map(([k, v]) => [k, { value: v }])),
    roles: n.roles,
    slots: n.slots,
    hardware: byId.get(n.id)!.descriptor.hardware,
    models: n.dyn.health === 'unhealthy' ? [] : n.dyn.warm.map((model) => ({ model, tier: 'gpu' })),
    location: { lat: n.lat, lon: n.lon, metro: n.metro },
  }));
}

/** Warm and loading replicas per model among healthy nodes, most warm first. */
export function uiModels(nodes: readonly UiNode[]): UiState['models'] {
  const models = new Map<string, { warm: number; loading: number }>();
  const add = (m: string, warm: number, loading: number) => {
    const v = models.get(m) ?? { warm: 0, loading: 0 };
    models.set(m, { warm: v.warm + warm, loading: v.loading + loading });
  };
  for (const n of nodes) {
    if (n.dyn.health === 'unhealthy') continue;
    for (const m of n.dyn.warm) add(m, 1, 0);
    for (const m of n.dyn.loading) add(m, 0, 1);
  }
  return [...models]
    .map(([model, v]) => ({ model, ...v }))
    .sort((a, b) => b.warm - a.warm || (a.model < b.model ? -1 : 1));
}

export interface UiStateInput {
  readonly view: UiView;
  readonly viewer: UiState['viewer'];
  readonly history: UiState['history'];
  /** Leave the node list out (the page gets it from the live stream). */
  readonly withoutNodes?: boolean;
  /** The concentration, when the caller keeps a recent one (default: computed now). */
  readonly concentration?: () => UiState['concentration'];
}

/** Concentration of the live registry per dimension, by the analysis `meridian analyze` runs. */
export function uiConcentration(c: Coordinator, now = c.now()): UiState['concentration'] {
  const analysis = analyzeNetwork(uiMembers(c, now), { whatif: false, top: 3 });
  return {
    weighting: analysis.weighting,
    rows: Object.entries(analysis.dimensions).map(([dimension, d]) => ({
      dimension,
      values: d.groups,
      hhi: d.hhi,
      effective: d.effective,
      nakamoto: d.nakamoto,
      top: d.top.map((t) => ({ value: t.value, share: t.share })),
    })),
  };
}

export function uiState(c: Coordinator, input: UiStateInput): UiState {
  const now = c.now();
  const nodes = uiNodes(c, input.view, now);
  return {
    at: now,
    ...(input.withoutNodes === true ? {} : { nodes }),
    concentration: input.concentration?.() ?? uiConcentration(c, now),
    models: uiModels(nodes),
    history: input.history,
    viewer: input.viewer,
  };
}

/** What the network loses if every node with `dimension = value` goes down (the analysis what-if). */
export function uiWhatIf(c: Coordinator, dimension: string, value: string): OutageResult {
  const analysis = analyzeNetwork(uiMembers(c), {
    whatif: false,
    models: BUILTIN_MODELS,
    geo: metroGeo(),
    outages: [[{ dimension, value }]],
  });
  return analysis.whatif[0]!;
}
