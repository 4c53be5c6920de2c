import { NotFoundError } from '../errors.js';
import type { EncodedDimension } from './encode.js';
import { countsWithout, type LatencyModel, type RegionLatency, regionLatency } from './latency.js';
import type { ReplicaIndex } from './replicas.js';
import type { Rows } from './rows.js';
import { formatSelector, type Selector } from './selector.js';

/** An outage: every member matching any of the selectors goes down. */
export interface Outage {
  kind: 'selector' | 'value' | 'pair';
  selectors: Selector[];
}

export interface RegionCapacity {
  region: string;
  before: number;
  after: number;
  /** (before − after) / before. */
  lostShare: number;
}

export interface RegionLatencyChange {
  region: string;
  beforeMs: number | null;
  afterMs: number | null;
  deltaMs: number | null;
  unservedBefore: number;
  unservedAfter: number;
}

export interface OutageResult {
  kind: Outage['kind'];
  /** `asn=16509` or `asn=16509 + provider=aws`. */
  name: string;
  selectors: Selector[];
  removed: number;
  /** Share of the analysis weight on removed members. */
  weightLost: number;
  /** Capacity per region (regions that lose some), largest loss first. */
  capacity: RegionCapacity[];
  /** Models that had a warm replica before and have none after. */
  modelsNoWarm: string[];
  /** Models that had a capable member before and have none after. */
  modelsNoCapable: string[];
  /** Latency change per demand region; empty without geography. */
  latency: RegionLatencyChange[];
}

/** Everything an outage evaluation reads, prepared once per analysis. */
export interface OutageContext {
  /** Dimensions whose heaviest values the top-domain what-if takes down. */
  dims: ReadonlyMap<string, EncodedDimension>;
  /** Every dimension a selector may name (the analysed ones and any other a selector uses). */
  selectable: ReadonlyMap<string, EncodedDimension>;
  weights: Float64Array;
  totalWeight: number;
  /** Capacity of each member (slots, or the analysis weight for networks without slots). */
  capacity: Float64Array;
  regionOf: Int32Array;
  regions: string[];
  /** Total capacity of each region. */
  capacityByRegion: Float64Array;
  replicas: ReplicaIndex;
  latency?: LatencyModel;
  baseLatency?: RegionLatency[];
}

/** Marks the members an outage removes. Throws NotFoundError for a dimension or value no member has. */
export function outageMask(ctx: OutageContext, outage: Outage): Uint8Array {
  const removed = new Uint8Array(ctx.weights.length);
  for (const selector of outage.selectors) {
    const terms = selector.map((d) => {
      const dim = ctx.selectable.get(d.dimension);
      if (dim === undefined || dim.values.length === 0) {
        throw new NotFoundError(`outage ${formatSelector(selector)}: no member has a "${d.dimension}" label`);
      }
      const code = dim.values.indexOf(d.value);
      if (code < 0)
        throw new NotFoundError(
          `outage ${formatSelector(selector)}: no member has ${d.dimension}=${d.value}`,
        );
      return { codes: dim.codes, code };
    });
    for (let i = 0; i < removed.length; i++) {
      if (removed[i]) continue;
      let all = true;
      for (const t of terms) if (t.codes[i] !== t.code) all = false;
      if (all) removed[i] = 1;
    }
  }
  return removed;
}

function anyLeft(list: Int32Array, removed: Uint8Array): boolean {
  for (let k = 0; k < list.length; k++) if (!removed[list[k]!]) return true;
  return false;
}

/** The members marked in `mask`, ascending. */
function markedMembers(mask: Uint8Array): Int32Array {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) count++;
  const list = new Int32Array(count);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) list[k++] = i;
  return list;
}

/** Evaluates one outage: what it removes, which models it strands, how latency per region changes. */
export function evaluateOutage(
  ctx: OutageContext,
  outage: Outage,
  removed = outageMask(ctx, outage),
): OutageResult {
  return evaluateRemoved(ctx, outage, markedMembers(removed), removed);
}

/**
 * Evaluates an outage given the members it removes, ascending (`list`), and the same set as a mask. Work
 * is proportional to the removed members, apart from scans of models' replica lists that stop at the
 * first survivor.
 */
function evaluateRemoved(
  ctx: OutageContext,
  outage: Outage,
  list: Int32Array,
  removed: Uint8Array,
): OutageResult {
  const before = ctx.capacityByRegion;
  const lost = new Float64Array(ctx.regions.length);
  let weightLost = 0;
  for (let k = 0; k < list.length; k++) {
    const i = list[k]!;
    weightLost += ctx.weights[i]!;
    lost[ctx.regionOf[i]!]! += ctx.capacity[i]!;
  }
  const capacity: RegionCapacity[] = [];
  ctx.regions.forEach((region, r) => {
    if (lost[r]! > 0)
      capacity.push({
        region,
        before: before[r]!,
        after: before[r]! - lost[r]!,
        lostShare: lost[r]! / before[r]!,
      });
  });
  capacity.sort(
    (a, b) => b.lostShare - a.lostShare || b.before - a.before || a.region.localeCompare(b.region),
  );
  const rep = ctx.replicas;
  const modelsNoWarm = rep.models.filter(
    (_, p) => rep.warm[p]!.length > 0 && !anyLeft(rep.warm[p]!, removed),
  );
  const modelsNoCapable = rep.models.filter(
    (_, p) => rep.capable[p]!.length > 0 && !anyLeft(rep.capable[p]!, removed),
  );
  return {
    kind: outage.kind,
    name: outage.selectors.map(formatSelector).join(' + '),
    selectors: outage.selectors,
    removed: list.length,
    weightLost: ctx.totalWeight > 0 ? weightLost / ctx.totalWeight : 0,
    capacity,
    modelsNoWarm,
    modelsNoCapable,
    latency: latencyChange(ctx, list),
  };
}

function latencyChange(ctx: OutageContext, removed: Int32Array): RegionLatencyChange[] {
  if (ctx.latency === undefined || ctx.baseLatency === undefined) return [];
  const after = regionLatency(ctx.latency, countsWithout(ctx.latency, removed));
  return after.map((a, r) => {
    const b = ctx.baseLatency![r]!;
    return {
      region: a.region,
      beforeMs: b.meanMs,
      afterMs: a.meanMs,
      deltaMs: a.meanMs !== null && b.meanMs !== null ? a.meanMs - b.meanMs : null,
      unservedBefore: b.unserved,
      unservedAfter: a.unserved,
    };
  });
}

export interface TopOutageOptions {
  /** Heaviest values per dimension to take down one at a time (default 3). */
  perDimension?: number;
  /** Heaviest single outages combined into pairs (default 6). */
  pairPool?: number;
  /** Worst pairs to report (default 5). */
  pairs?: number;
}

/**
 * Takes down each of the heaviest values of every dimension in turn, then every pair of the worst of
 * those single outages, and reports the singles (in dimension order) and the worst pairs (most weight lost
 * first). Pairs that remove the same members as a single outage or an earlier pair (a datacenter inside
 * its ASN, a provider that is its own ASN) are skipped, and so are duplicate singles when forming pairs.
 */
export function topOutages(ctx: OutageContext, options: TopOutageOptions = {}): OutageResult[] {
  const perDimension = options.perDimension ?? 3;
  const mask = new Uint8Array(ctx.weights.length);
  const evaluate = (outage: Outage, list: Int32Array) => {
    for (let k = 0; k < list.length; k++) mask[list[k]!] = 1;
    const result = evaluateRemoved(ctx, outage, list, mask);
    for (let k = 0; k < list.length; k++) mask[list[k]!] = 0;
    return result;
  };
  const singles: { result: OutageResult; list: Int32Array; key: string }[] = [];
  for (const dim of ctx.dims.values()) {
    const codes = heaviestCodes(dim, ctx.weights, perDimension);
    if (codes.length === 0) continue;
    const members = membersByCode(dim);
    for (const code of codes) {
      const outage: Outage = {
        kind: 'value',
        selectors: [[{ dimension: dim.name, value: dim.values[code]! }]],
      };
      const list = members.items.subarray(members.start[code]!, members.start[code + 1]!);
      singles.push({ result: evaluate(outage, list), list, key: listKey(list) });
    }
  }
  const seen = new Set<string>();
  const distinct = singles.filter((x) => !seen.has(x.key) && seen.add(x.key));
  const pool = distinct
    .sort((a, b) => b.result.weightLost - a.result.weightLost || a.result.name.localeCompare(b.result.name))
    .slice(0, options.pairPool ?? 6);
  const pairs: OutageResult[] = [];
  for (let a = 0; a < pool.length; a++) {
    for (let b = a + 1; b < pool.length; b++) {
      const x = pool[a]!;
      const y = pool[b]!;
      const list = unionSorted(x.list, y.list);
      const outage: Outage = { kind: 'pair', selectors: [...x.result.selectors, ...y.result.selectors] };
      const key = listKey(list);
      if (seen.has(key)) continue;
      seen.add(key);
      pairs.push(evaluate(outage, list));
    }
  }
  pairs.sort((a, b) => b.weightLost - a.weightLost || a.name.localeCompare(b.name));
  return [...singles.map((s) => s.result), ...pairs.slice(0, options.pairs ?? 5)];
}

/** Identifies a set of members given ascending (count and two independent rolling hashes of the indices). */
function listKey(list: Int32Array): string {
  let h1 = 2166136261;
  let h2 = 5381;
  for (let k = 0; k < list.length; k++) {
    const i = list[k]!;
    h1 = Math.imul(h1 ^ i, 16777619) >>> 0;
    h2 = (Math.imul(h2, 33) + i) >>> 0;
  }
  return `${list.length}:${h1}:${h2}`;
}

/** The union of two ascending lists, ascending. */
function unionSorted(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x <= y) i++;
    if (y <= x) j++;
    out[k++] = Math.min(x, y);
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out.subarray(0, k);
}

/** The members holding each value of a dimension, ascending: row `c` lists the members with code `c`. */
function membersByCode(dim: EncodedDimension): Rows {
  const start = new Int32Array(dim.values.length + 1);
  for (let i = 0; i < dim.codes.length; i++) if (dim.codes[i]! >= 0) start[dim.codes[i]! + 1]!++;
  for (let c = 0; c < dim.values.length; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, dim.values.length);
  const items = new Int32Array(start[dim.values.length]!);
  for (let i = 0; i < dim.codes.length; i++) {
    const c = dim.codes[i]!;
    if (c >= 0) items[fill[c]!++] = i;
  }
  return { start, items };
}

/** Codes of the `k` values holding the most weight, heaviest first (ties by value A→Z). */
function heaviestCodes(dim: EncodedDimension, weights: Float64Array, k: number): number[] {
  const byCode = new Float64Array(dim.values.length);
  for (let i = 0; i < weights.length; i++) {
    const c = dim.codes[i]!;
    if (c >= 0) byCode[c]! += weights[i]!;
  }
  const codes: number[] = [];
  byCode.forEach((w, c) => {
    if (w > 0) codes.push(c);
  });
  codes.sort((a, b) => byCode[b]! - byCode[a]! || (dim.values[a]! < dim.values[b]! ? -1 : 1));
  return codes.slice(0, Math.max(0, k));
}
