import { effectiveNumber } from '../stats/effective.js';
import { entropy, expEntropy } from '../stats/entropy.js';
import { hhi } from '../stats/hhi.js';
import { NAKAMOTO_THRESHOLDS, type NakamotoThreshold, nakamotoAll } from '../stats/nakamoto.js';
import { type EncodedDimension, encodeDimensions } from './encode.js';
import { dimensionsOf, type Member } from './member.js';
import { defaultWeighting, type Weighting, weightsOf } from './weighting.js';

export interface ValueShare {
  value: string;
  share: number;
}

/**
 * Concentration of the weight on one dimension. Members without a value on it are "unknown": their share
 * is reported (`unknown`) and they are left out of the metrics, which describe the members whose value is
 * known (shares among them). They are neither one group each (that would count missing data as
 * independence) nor one shared group.
 */
export interface DimensionConcentration {
  /** Values holding weight. */
  groups: number;
  hhi: number;
  /** 1 / HHI. */
  effective: number;
  /** Shannon entropy of the shares, nats. */
  entropy: number;
  /** exp(entropy). */
  expEntropy: number;
  nakamoto: Record<NakamotoThreshold, number>;
  /** Largest values, largest first (ties by value A→Z), with their share of all the weight. */
  top: ValueShare[];
  /** Share of the weight on members with no value on this dimension. */
  unknown: number;
}

/** A metric's worst value over all dimensions and the dimensions that reach it. */
export interface Extreme {
  value: number;
  dimensions: string[];
}

export interface MinimumOverDimensions {
  nakamoto: Record<NakamotoThreshold, Extreme>;
  effective: Extreme;
  /** The largest HHI (the most concentrated dimension). */
  hhi: Extreme;
}

export interface ConcentrationOptions {
  /** Dimensions to measure; default: every dimension some member carries. */
  dimensions?: readonly string[];
  /** Default: stake when any member has stake, otherwise count. */
  weighting?: Weighting;
  /** Number of top values to list per dimension (default 5). */
  top?: number;
}

/** Concentration of one encoded dimension under the given member weights (see DimensionConcentration). */
export function dimensionConcentration(
  dim: EncodedDimension,
  weights: Float64Array,
  top = 5,
): DimensionConcentration {
  const grouped = new Float64Array(dim.values.length);
  let total = 0;
  let unknownWeight = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w <= 0) continue;
    total += w;
    const c = dim.codes[i]!;
    if (c >= 0) grouped[c]! += w;
    else unknownWeight += w;
  }
  let groups = 0;
  for (let i = 0; i < grouped.length; i++) if (grouped[i]! > 0) groups++;
  return {
    groups,
    hhi: hhi(grouped),
    effective: effectiveNumber(grouped),
    entropy: entropy(grouped),
    expEntropy: expEntropy(grouped),
    nakamoto: nakamotoAll(grouped),
    top: topShares(dim, grouped, total, top),
    unknown: total === 0 ? 0 : unknownWeight / total,
  };
}

function topShares(dim: EncodedDimension, grouped: Float64Array, total: number, top: number): ValueShare[] {
  if (total === 0 || top <= 0) return [];
  const codes: number[] = [];
  grouped.forEach((w, c) => {
    if (w > 0) codes.push(c);
  });
  const name = (c: number) => dim.values[c]!;
  codes.sort((a, b) => grouped[b]! - grouped[a]! || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  return codes.slice(0, top).map((c) => ({ value: name(c), share: grouped[c]! / total }));
}

/** The lowest Nakamoto coefficients and effective number and the highest HHI over the dimensions. */
export function minimumOverDimensions(
  dims: Readonly<Record<string, DimensionConcentration>>,
): MinimumOverDimensions {
  const names = Object.keys(dims);
  const pick = (get: (d: DimensionConcentration) => number, better: (a: number, b: number) => boolean) => {
    let best: Extreme = { value: 0, dimensions: [] };
    for (const n of names) {
      const v = get(dims[n]!);
      if (best.dimensions.length === 0 || better(v, best.value)) best = { value: v, dimensions: [n] };
      else if (v === best.value) best.dimensions.push(n);
    }
    return best;
  };
  const lower = (a: number, b: number) => a < b;
  const nakamoto = {} as Record<NakamotoThreshold, Extreme>;
  for (const t of Object.keys(NAKAMOTO_THRESHOLDS) as NakamotoThreshold[]) {
    nakamoto[t] = pick((d) => d.nakamoto[t], lower);
  }
  return {
    nakamoto,
    effective: pick((d) => d.effective, lower),
    hhi: pick(
      (d) => d.hhi,
      (a, b) => a > b,
    ),
  };
}

export interface Concentration {
  weighting: Weighting;
  members: number;
  totalWeight: number;
  dimensions: Record<string, DimensionConcentration>;
  minimum: MinimumOverDimensions;
}

/** Concentration of already encoded dimensions under given weights (the analysis reuses its encoding). */
export function concentrationOfEncoded(
  encoded: readonly EncodedDimension[],
  weights: Float64Array,
  weighting: Weighting,
  top = 5,
): Concentration {
  const dimensions: Record<string, DimensionConcentration> = {};
  for (const dim of encoded) dimensions[dim.name] = dimensionConcentration(dim, weights, top);
  let totalWeight = 0;
  for (let i = 0; i < weights.length; i++) totalWeight += weights[i]!;
  return {
    weighting,
    members: weights.length,
    totalWeight,
    dimensions,
    minimum: minimumOverDimensions(dimensions),
  };
}

/** Concentration of `members` on every dimension. Defined for an empty network (all metrics 0). */
export function concentration(members: readonly Member[], options: ConcentrationOptions = {}): Concentration {
  const names = options.dimensions ?? dimensionsOf(members);
  const weighting = options.weighting ?? defaultWeighting(members);
  const weights = weightsOf(members, weighting);
  return concentrationOfEncoded(encodeDimensions(members, names), weights, weighting, options.top ?? 5);
}
