import { type ClusterSummary, defaultClusterDimensions, dependencyClusters } from './clusters.js';
import { type Concentration, concentrationOfEncoded } from './concentration.js';
import { type EncodedDimension, encodeDimensions } from './encode.js';
import type { GeoContext } from './geo-context.js';
import { buildLatencyModel, type RegionLatency, regionLatency } from './latency.js';
import { dimensionsOf, type Member, type ModelLike } from './member.js';
import { type ModelResilience, modelResilience } from './models.js';
import { type PlaceIndex, placeIndex } from './places.js';
import { replicaIndex } from './replicas.js';
import type { Selector } from './selector.js';
import { defaultWeighting, formatWeighting, type Weighting, weightsOf } from './weighting.js';
import {
  evaluateOutage,
  type OutageContext,
  type OutageResult,
  type TopOutageOptions,
  topOutages,
} from './whatif.js';

export interface AnalyzeOptions {
  /** Dimensions to measure; default: every dimension some member carries. */
  dimensions?: readonly string[];
  /** Default: stake when any member has stake, otherwise count. */
  weighting?: Weighting;
  /** Dimensions whose shared values link members into dependency clusters; default: the analysed ones
   * without the broad categories (`defaultClusterDimensions`). */
  clusterDimensions?: readonly string[];
  /** Top values listed per dimension and largest clusters listed (default 5). */
  top?: number;
  /** Models for the per-model section and the what-if (none for an imported network). */
  models?: readonly ModelLike[];
  /** Geography for capacity per region and latency changes; without it regions are metro ids. */
  geo?: GeoContext;
  /** Model popularity (id → weight) for the latency mean; default: every model counts equally. */
  modelWeights?: ReadonlyMap<string, number>;
  /** Extra outages to evaluate, each a selector (every member matching it goes down). */
  outages?: readonly Selector[];
  /** Options of the top-domain what-if, or false to skip it. */
  whatif?: TopOutageOptions | false;
}

export interface NetworkAnalysis extends Omit<Concentration, 'weighting'> {
  weighting: string;
  /** What capacity per region is measured in: `slots`, or the weighting for networks without slots. */
  capacityUnit: string;
  clusters: ClusterSummary;
  models: ModelResilience[];
  /** Baseline latency per demand region (empty without geography or without any located member). */
  latency: RegionLatency[];
  /** Members with a location; 0 means latency cannot be estimated ("no locations", not "unserved"). */
  located: number;
  whatif: OutageResult[];
}

/** Region of every member (ids in order of first appearance): by geography, else the metro id. */
function memberRegions(
  places: PlaceIndex,
  geo: GeoContext | undefined,
): { regionOf: Int32Array; regions: string[] } {
  const ids = new Map<string, number>();
  const id = (region: string) => {
    let r = ids.get(region);
    if (r === undefined) {
      r = ids.size;
      ids.set(region, r);
    }
    return r;
  };
  const regionOfPlace = new Int32Array(places.coords.length).fill(-1);
  const regionOf = new Int32Array(places.placeOf.length);
  for (let i = 0; i < regionOf.length; i++) {
    const p = places.placeOf[i]!;
    if (p < 0) {
      regionOf[i] = id('unknown');
      continue;
    }
    if (regionOfPlace[p]! < 0) {
      const place = places.coords[p]!;
      regionOfPlace[p] = id(geo ? geo.regionOf(place) : (place.metro ?? 'unknown'));
    }
    regionOf[i] = regionOfPlace[p]!;
  }
  return { regionOf, regions: [...ids.keys()] };
}

function slotsOf(members: readonly Member[]): Float64Array {
  const slots = new Float64Array(members.length);
  for (let i = 0; i < members.length; i++) slots[i] = members[i]!.slots ?? 0;
  return slots;
}

/**
 * The full independence analysis of a network: concentration per dimension and its minimum, joint
 * dependency clusters, per-model replicas and domain cuts, and what-if outages of the heaviest domains
 * (plus any given selectors). Defined for an empty network.
 */
export function analyzeNetwork(members: readonly Member[], options: AnalyzeOptions = {}): NetworkAnalysis {
  const names = options.dimensions ?? dimensionsOf(members);
  const weighting = options.weighting ?? defaultWeighting(members);
  const top = options.top ?? 5;
  const weights = weightsOf(members, weighting);
  const encoded = encodeDimensions(members, names);
  const byName = new Map<string, EncodedDimension>(encoded.map((d) => [d.name, d]));
  const clusterNames = options.clusterDimensions ?? defaultClusterDimensions(encoded);
  const clusterDims = clusterNames.map((n) => byName.get(n) ?? encodeDimensions(members, [n])[0]!);
  const conc = concentrationOfEncoded(encoded, weights, weighting, top);
  const replicas = replicaIndex(members, options.models ?? []);
  const places = placeIndex(members);
  const located = members.filter((m) => m.location !== undefined).length;
  const latency =
    options.geo && located > 0
      ? buildLatencyModel(places, replicas, options.geo, options.modelWeights)
      : undefined;
  const baseLatency = latency ? regionLatency(latency) : undefined;
  const hasSlots = members.some((m) => m.slots !== undefined);
  const { regionOf, regions } = memberRegions(places, options.geo);
  const capacity = hasSlots ? slotsOf(members) : weights;
  const capacityByRegion = new Float64Array(regions.length);
  for (let i = 0; i < members.length; i++) capacityByRegion[regionOf[i]!]! += capacity[i]!;
  const selectable = new Map(byName);
  for (const selector of options.outages ?? []) {
    for (const d of selector) {
      if (!selectable.has(d.dimension))
        selectable.set(d.dimension, encodeDimensions(members, [d.dimension])[0]!);
    }
  }
  const ctx: OutageContext = {
    dims: byName,
    selectable,
    weights,
    totalWeight: conc.totalWeight,
    capacity,
    regionOf,
    regions,
    capacityByRegion,
    replicas,
    latency,
    baseLatency,
  };
  const whatif = [
    ...(options.outages ?? []).map((s) => evaluateOutage(ctx, { kind: 'selector', selectors: [s] })),
    ...(options.whatif === false ? [] : topOutages(ctx, options.whatif)),
  ];
  return {
    ...conc,
    weighting: formatWeighting(weighting),
    capacityUnit: hasSlots ? 'slots' : formatWeighting(weighting),
    clusters: dependencyClusters(clusterDims, weights, top),
    models: modelResilience(encoded, replicas, members.length),
    latency: baseLatency ?? [],
    located,
    whatif,
  };
}
