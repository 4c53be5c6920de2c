import { fastestSourceGBps, transferMs } from '../estimate/cold-start.js';
import { type CapabilityModel, canServe } from '../model/capability.js';
import { type Node, STORAGE_TIERS } from '../model/node.js';
import { capabilityModel } from './coverage.js';
import type { DemandPoint, PlacementModel, RttFn } from './types.js';
import { weightedQuantile } from './weighted-quantile.js';

/**
 * Analytic service levels of a network for the placement report: for every (demand metro, model) pair
 * the best of `rtt` to a warm replica and `rtt + cold start` to a capable node (cold start = weights ÷
 * bandwidth of the fastest tier holding them, `src/estimate/cold-start.ts`); demand-weighted p50/p95 per
 * region; coverage (a warm replica within the threshold), two-provider coverage, and coverage after the
 * worst single-provider failure.
 */

export interface LatencyWorld {
  demand: readonly DemandPoint[];
  models: readonly PlacementModel[];
  rtt: RttFn;
  thresholdMs: number;
}

export interface RegionLevels {
  region: string;
  /** ms; Infinity when some demand of the region has no capable node at all. */
  p50: number;
  p95: number;
}

export interface ServiceLevels {
  regions: RegionLevels[];
  /** Share of demand × popularity with a warm replica within the threshold. */
  coverage: number;
  /** Share covered by warm replicas of two or more providers. */
  coverage2: number;
  /** The provider whose failure loses the most coverage, and the coverage left after it (null: none). */
  worstFailure: { provider: string | null; coverage: number };
}

interface Place {
  metro: string;
  /** Per model: providers holding it warm here. */
  warm: Map<number, Set<string>>;
  /** Per model: shortest cold start of a capable node here (ms), Infinity when none. */
  cold: Float64Array;
}

/** Cold start (ms) of `model` on `node`; Infinity when the node cannot serve it (`src/model/capability.ts`). */
export function coldStartOf(node: Node, model: CapabilityModel): number {
  if (!canServe(node, model)) return Number.POSITIVE_INFINITY;
  const held = node.models.find((h) => h.model === model.id);
  const tier = held === undefined ? STORAGE_TIERS.length - 1 : STORAGE_TIERS.indexOf(held.tier);
  const s = node.storage;
  return transferMs(
    model.weightsGb,
    fastestSourceGBps(tier, s.hostRamGBps, s.localDiskGBps, s.remoteGBps, 0),
  );
}

/**
 * Service levels of a network that only grows (nodes added, models warmed), updated incrementally: nodes
 * are folded into places (metros) once; RTTs from every demand metro to every place are computed once.
 */
export class ServiceLevelTracker {
  private readonly places: Place[] = [];
  private readonly placeOf = new Map<string, number>();
  /** Per demand point: RTT to each place, in place order. */
  private readonly rtts: number[][];
  private readonly modelIndex: Map<string, number>;
  /** The models as the capability rule reads them. */
  private readonly capability: CapabilityModel[];

  constructor(
    private readonly world: LatencyWorld,
    nodes: readonly Node[],
  ) {
    this.modelIndex = new Map(world.models.map((m, i) => [m.id, i] as const));
    this.capability = world.models.map(capabilityModel);
    this.rtts = world.demand.map(() => []);
    for (const n of nodes) this.addNode(n);
  }

  private place(metro: string): Place {
    let p = this.placeOf.get(metro);
    if (p === undefined) {
      p = this.places.length;
      this.placeOf.set(metro, p);
      this.places.push({
        metro,
        warm: new Map(),
        cold: new Float64Array(this.world.models.length).fill(Number.POSITIVE_INFINITY),
      });
      this.world.demand.forEach((d, i) => {
        this.rtts[i]!.push(this.world.rtt(d.metro, metro));
      });
    }
    return this.places[p]!;
  }

  private markWarm(place: Place, provider: string, modelId: string): void {
    const m = this.modelIndex.get(modelId);
    if (m === undefined) return;
    const set = place.warm.get(m) ?? new Set<string>();
    set.add(provider);
    place.warm.set(m, set);
  }

  /** Adds a node (only inference nodes serve). */
  addNode(node: Node): void {
    if (!node.roles.includes('inference')) return;
    const place = this.place(node.location.metro);
    for (const h of node.models)
      if (h.tier === 'gpu') this.markWarm(place, node.labels.provider.value, h.model);
    this.capability.forEach((model, m) => {
      const c = coldStartOf(node, model);
      if (c < place.cold[m]!) place.cold[m] = c;
    });
  }

  /** An existing node keeps more models warm. */
  addWarm(node: Node, models: readonly string[]): void {
    if (!node.roles.includes('inference')) return;
    const place = this.place(node.location.metro);
    for (const id of models) this.markWarm(place, node.labels.provider.value, id);
  }

  levels(): ServiceLevels {
    const { world, places } = this;
    const sumD = world.demand.reduce((s, d) => s + Math.max(0, d.weight), 0);
    const sumP = world.models.reduce((s, m) => s + Math.max(0, m.popularity), 0);
    const norm = sumD * sumP;
    const regionValues = new Map<string, { v: number[]; w: number[] }>();
    let coverage = 0;
    let coverage2 = 0;
    const soleLoss = new Map<string, number>();
    const near = new Set<string>();
    world.demand.forEach((d, i) => {
      const rtts = this.rtts[i]!;
      const bucket = regionValues.get(d.region) ?? { v: [], w: [] };
      regionValues.set(d.region, bucket);
      world.models.forEach((model, m) => {
        const w = norm > 0 ? (Math.max(0, d.weight) * Math.max(0, model.popularity)) / norm : 0;
        if (w <= 0) return;
        let best = Number.POSITIVE_INFINITY;
        near.clear();
        for (let k = 0; k < places.length; k++) {
          const place = places[k]!;
          const rtt = rtts[k]!;
          const warm = place.warm.get(m);
          const t = rtt + (warm !== undefined ? 0 : place.cold[m]!);
          if (t < best) best = t;
          if (warm !== undefined && rtt <= world.thresholdMs) for (const p of warm) near.add(p);
        }
        bucket.v.push(best);
        bucket.w.push(w);
        if (near.size >= 1) coverage += w;
        if (near.size >= 2) coverage2 += w;
        if (near.size === 1) {
          const [p] = near;
          soleLoss.set(p!, (soleLoss.get(p!) ?? 0) + w);
        }
      });
    });
    let worst: { provider: string | null; coverage: number } = { provider: null, coverage };
    for (const [provider, loss] of [...soleLoss].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (coverage - loss < worst.coverage) worst = { provider, coverage: coverage - loss };
    }
    const regions = [...regionValues]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([region, { v, w }]) => ({
        region,
        p50: weightedQuantile(v, w, 0.5),
        p95: weightedQuantile(v, w, 0.95),
      }));
    return { regions, coverage, coverage2, worstFailure: worst };
  }
}

/** Service levels of `nodes` (only nodes with the inference role serve). */
export function serviceLevels(world: LatencyWorld, nodes: readonly Node[]): ServiceLevels {
  return new ServiceLevelTracker(world, nodes).levels();
}
