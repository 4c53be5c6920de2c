import { LabelCoder, sameLabel } from '../model/label-codes.js';
import { replicaCapacityRps } from './capacity.js';
import { canServe, coverageValue, siteServiceMs } from './coverage.js';
import { buildCaps, existingCoverage, selectPopular } from './existing.js';
import { guaranteeFor } from './guarantee.js';
import { pruneDominated } from './prune.js';
import { nearestExisting, servesDemand } from './serving.js';
import {
  DEFAULT_SLOTS,
  type Guarantee,
  type PlacementInput,
  type PlacementModel,
  type PlacementOptions,
  type SiteInput,
} from './types.js';

/**
 * The compiled placement instance both solvers read (docs/placement.md): sites indexed (new candidates
 * first, then spare-memory slots on existing nodes), demand pairs that can still gain coverage, and for
 * every (site, model) the pairs a warm replica there would reach. A (site, model) is offered only when a
 * replica there would serve demand — nearer to some demand metro than every existing warm replica of the
 * model — so no node is recommended for second-provider coverage or provider diversity alone.
 */

export interface CompiledSite {
  input: SiteInput;
  isNew: boolean;
  /** Index into `Instance.domains` (value on the robustness dimension); NO_LABEL without one. */
  domain: number;
  /** Index into `Instance.providers`; NO_LABEL without one (`model/label-codes.ts`). */
  provider: number;
  /** Group index (same metro and labels; at most one new node each); -1 for slots. */
  group: number;
  /** Indices into `Instance.caps` the site counts towards. */
  caps: number[];
  /** Usable memory, whole GB. */
  memory: number;
}

/** A model a site can keep warm and the pairs (indices into `Instance.pairs`) it would reach. */
export interface SiteModel {
  model: number;
  reach: Int32Array;
}

/** Demand pairs (metro, model) that can still gain coverage, as parallel arrays. */
export interface Pairs {
  count: number;
  demand: Int32Array;
  model: Int32Array;
  /** Normalised weight d_i π_m / Σ d π. */
  weight: Float64Array;
  /** Distinct domain values among existing warm replicas in range: 0 or 1 (pairs with 2 are dropped). */
  cnt0: Uint8Array;
  /** That existing domain value when cnt0 = 1, else -1. */
  d1: Int32Array;
}

/** A cap on new nodes with one value of one dimension. */
export interface CapSet {
  dimension: string;
  value: string;
  limit: number;
  sites: number[];
}

/** A popular model with a diversity term. */
export interface PopularModel {
  model: number;
  /** Objective weight per extra distinct provider: λ π̂_m / q. */
  weight: number;
  /** Extra providers still counted: q − |providers already warm|, ≥ 1. */
  need: number;
  /** Provider indices already holding the model warm. */
  existing: ReadonlySet<number>;
}

export interface InstanceStats {
  candidates: number;
  pruned: number;
  slots: number;
  pairs: number;
  saturatedPairs: number;
  siteModels: number;
  reachEntries: number;
}

export interface Instance {
  options: PlacementOptions;
  sites: CompiledSite[];
  nNew: number;
  models: readonly PlacementModel[];
  demand: PlacementInput['demand'];
  domains: string[];
  providers: string[];
  pairs: Pairs;
  siteModels: SiteModel[][];
  caps: CapSet[];
  groupCount: number;
  popular: PopularModel[];
  /** Model index → index into `popular`, or -1. */
  popularOf: Int32Array;
  /** Objective value of the existing network alone (not part of reported gains). */
  baseValue: number;
  guarantee: Guarantee;
  stats: InstanceStats;
}

/** Dimensions that make two sites interchangeable for constraints and coverage. */
function groupDimensions(options: PlacementOptions): string[] {
  const dims = new Set([
    'provider',
    'asn',
    'datacenter',
    options.robustDimension,
    ...Object.keys(options.caps),
  ]);
  return [...dims].sort();
}

/** Sites with equal keys are interchangeable; a site without a label on a dimension shares it with no one. */
function groupKey(site: SiteInput, dims: readonly string[]): string {
  return [site.metro, ...dims.map((d) => site.labels[d] || `\u0001${site.id}`)].join('\u0000');
}

/** For each demand metro: the site metros within the threshold, nearest first. */
function neighbourhoods(input: PlacementInput, siteMetros: readonly string[]): string[][] {
  const { thresholdMs } = input.options;
  return input.demand.map((d) =>
    siteMetros
      .map((m) => ({ m, rtt: input.rtt(d.metro, m) }))
      .filter((x) => x.rtt <= thresholdMs)
      .sort((a, b) => a.rtt - b.rtt || (a.m < b.m ? -1 : a.m > b.m ? 1 : 0))
      .map((x) => x.m),
  );
}

/** Compiles placement inputs into the indexed instance (pure; deterministic). */
export function compileInstance(input: PlacementInput): Instance {
  const { options } = input;
  const models = input.models;
  const nM = models.length;
  const modelIndex = new Map(models.map((m, i) => [m.id, i] as const));
  const dims = groupDimensions(options);

  const { kept, pruned } = pruneDominated(input.sites, models, (s) => groupKey(s, dims));
  const slots = input.slots.filter((s) => models.some((m) => canServe(s, m)));
  const domains = new LabelCoder();
  const providers = new LabelCoder();
  const groups = new LabelCoder();
  const domainOfLabels = (l: Readonly<Record<string, string>>) => domains.of(l[options.robustDimension]);
  const providerOfLabels = (l: Readonly<Record<string, string>>) => providers.of(l.provider);

  const caps = buildCaps(input, kept);
  const sites: CompiledSite[] = [...kept, ...slots].map((s, i) => ({
    input: s,
    isNew: i < kept.length,
    domain: domainOfLabels(s.labels),
    provider: providerOfLabels(s.labels),
    group: i < kept.length ? groups.of(groupKey(s, dims)) : -1,
    caps: [],
    memory: Math.floor(s.memoryGb),
  }));
  caps.forEach((c, ci) => {
    for (const s of c.sites) sites[s]!.caps.push(ci);
  });

  const existing = existingCoverage(input, (n) => domainOfLabels(n.labels), modelIndex);
  const { popular, base: diversityBase } = selectPopular(input, (n) => providerOfLabels(n.labels));
  const popularOf = new Int32Array(nM).fill(-1);
  popular.forEach((p, k) => {
    popularOf[p.model] = k;
  });

  const siteMetros = [...new Set(sites.map((s) => s.input.metro))].sort();
  const near = neighbourhoods(input, siteMetros);
  const sitesAt = new Map<string, number[]>();
  sites.forEach((s, i) => {
    const list = sitesAt.get(s.input.metro) ?? [];
    list.push(i);
    sitesAt.set(s.input.metro, list);
  });

  const sumD = input.demand.reduce((s, d) => s + Math.max(0, d.weight), 0);
  const sumP = models.reduce((s, m) => s + Math.max(0, m.popularity), 0);
  const norm = sumD * sumP;
  const rho = options.robustWeight;

  const pd: number[] = [];
  const pm: number[] = [];
  const pw: number[] = [];
  const pc: number[] = [];
  const p1: number[] = [];
  const reach = new Map<number, number[]>();
  let base = diversityBase;
  let saturated = 0;
  input.demand.forEach((d, i) => {
    for (let m = 0; m < nM; m++) {
      const w = norm > 0 ? (Math.max(0, d.weight) * Math.max(0, models[m]!.popularity)) / norm : 0;
      if (w <= 0) continue;
      const c0 = existing.cnt[i * nM + m]!;
      const dom0 = existing.d1[i * nM + m]!;
      base += w * coverageValue(c0, rho);
      if (c0 >= 2) {
        saturated++;
        continue;
      }
      // The k nearest sites that can serve m with a new domain value, completing the last metro reached.
      const hits: number[] = [];
      for (const metro of near[i]!) {
        if (hits.length >= options.nearestSites) break;
        for (const s of sitesAt.get(metro) ?? []) {
          const site = sites[s]!;
          if ((c0 === 0 || !sameLabel(site.domain, dom0)) && canServe(site.input, models[m]!)) hits.push(s);
        }
      }
      if (hits.length === 0) continue;
      const j = pd.length;
      pd.push(i);
      pm.push(m);
      pw.push(w);
      pc.push(c0);
      p1.push(dom0);
      for (const s of hits) {
        const key = s * nM + m;
        const list = reach.get(key) ?? [];
        list.push(j);
        reach.set(key, list);
      }
    }
  });

  const nearest = nearestExisting(input, modelIndex);
  const servesAt = new Map<string, boolean>();
  const serves = (metro: string, m: number): boolean => {
    const key = `${metro}\u0000${m}`;
    let v = servesAt.get(key);
    if (v === undefined) {
      v = servesDemand(input, nearest, metro, m);
      servesAt.set(key, v);
    }
    return v;
  };

  // A replica takes the pairs nearest to it first, up to its capacity at forecast peak (`capacity.ts`).
  const withinCapacity = (r: number[] | undefined, site: SiteInput, model: PlacementModel) => {
    const ms = siteServiceMs(site, model);
    if (r === undefined || input.peakRps === undefined || ms === undefined) return r;
    const cap = replicaCapacityRps(site.slots ?? DEFAULT_SLOTS, ms);
    const peak = input.peakRps;
    const rtt = (j: number) => input.rtt(input.demand[pd[j]!]!.metro, site.metro);
    const kept: number[] = [];
    let load = 0;
    for (const j of [...r].sort((a, b) => rtt(a) - rtt(b) || a - b)) {
      const rps = peak * pw[j]!;
      if (load + rps > cap) continue;
      load += rps;
      kept.push(j);
    }
    return kept.length > 0 ? kept.sort((a, b) => a - b) : undefined;
  };

  let reachEntries = 0;
  const siteModels: SiteModel[][] = sites.map((site, s) => {
    const list: SiteModel[] = [];
    for (let m = 0; m < nM; m++) {
      const r = withinCapacity(reach.get(s * nM + m), site.input, models[m]!);
      const k = popularOf[m]!;
      const diversity = k >= 0 && !popular[k]!.existing.has(site.provider);
      if ((r === undefined && !diversity) || !canServe(site.input, models[m]!)) continue;
      // Only a replica that serves demand earns coverage or diversity (`servesDemand`).
      if (!serves(site.input.metro, m)) continue;
      list.push({ model: m, reach: Int32Array.from(r ?? []) });
      reachEntries += r?.length ?? 0;
    }
    return list;
  });

  return {
    options,
    sites,
    nNew: kept.length,
    models,
    demand: input.demand,
    domains: domains.values,
    providers: providers.values,
    pairs: {
      count: pd.length,
      demand: Int32Array.from(pd),
      model: Int32Array.from(pm),
      weight: Float64Array.from(pw),
      cnt0: Uint8Array.from(pc),
      d1: Int32Array.from(p1),
    },
    siteModels,
    caps,
    groupCount: groups.values.length,
    popular,
    popularOf,
    baseValue: base,
    guarantee: guaranteeFor(sites, caps, options),
    stats: {
      candidates: input.sites.length,
      pruned,
      slots: slots.length,
      pairs: pd.length,
      saturatedPairs: saturated,
      siteModels: siteModels.reduce((s, l) => s + l.length, 0),
      reachEntries,
    },
  };
}
