import { effectiveNumber } from '../stats/effective.js';
import { hhi } from '../stats/hhi.js';
import { type NakamotoThreshold, nakamotoAll } from '../stats/nakamoto.js';
import { dimensionsOf, type Member } from './member.js';
import { defaultWeighting, formatWeighting, type Weighting, weightOf } from './weighting.js';

/** Concentration of one dimension seen from one value of it. */
export interface MarginalState {
  /** Share of the new node's group (its value; its own group when it has none). 0 before it exists. */
  share: number;
  hhi: number;
  effective: number;
  groups: number;
  nakamoto: Record<NakamotoThreshold, number>;
}

export interface MarginalDimension {
  /** The new node's value on this dimension, or null when it has none (then it depends on nobody's). */
  value: string | null;
  /** True when no existing member has that value: the node adds a new group. */
  newValue: boolean;
  before: MarginalState;
  after: MarginalState;
}

export interface MarginalEffect {
  weighting: string;
  /** The new node's weight under the weighting. */
  weight: number;
  dimensions: Record<string, MarginalDimension>;
}

/** Group weights of an existing network per dimension, prepared once to score many candidates. */
export interface MarginalBase {
  weighting: Weighting;
  total: number;
  dims: { name: string; byValue: Map<string, number>; singles: number[] }[];
}

export function prepareMarginal(
  members: readonly Member[],
  options: { dimensions?: readonly string[]; weighting?: Weighting } = {},
): MarginalBase {
  const weighting = options.weighting ?? defaultWeighting(members);
  const names = options.dimensions ?? dimensionsOf(members);
  const dims = names.map((name) => ({ name, byValue: new Map<string, number>(), singles: [] as number[] }));
  let total = 0;
  for (const m of members) {
    const w = weightOf(m, weighting);
    if (w <= 0) continue;
    total += w;
    for (const d of dims) {
      const v = m.labels[d.name]?.value;
      if (v === undefined || v === '') d.singles.push(w);
      else d.byValue.set(v, (d.byValue.get(v) ?? 0) + w);
    }
  }
  return { weighting, total, dims };
}

function state(groups: number[], groupWeight: number, total: number): MarginalState {
  let count = 0;
  for (const g of groups) if (g > 0) count++;
  return {
    share: total > 0 ? groupWeight / total : 0,
    hhi: hhi(groups),
    effective: effectiveNumber(groups),
    groups: count,
    nakamoto: nakamotoAll(groups),
  };
}

/** Before/after concentration on every prepared dimension when `node` joins the network. */
export function marginalOf(base: MarginalBase, node: Member): MarginalEffect {
  const w = weightOf(node, base.weighting);
  const dimensions: Record<string, MarginalDimension> = {};
  for (const d of base.dims) {
    const value = node.labels[d.name]?.value || null;
    const existing = value === null ? 0 : (d.byValue.get(value) ?? 0);
    const groups = [...d.byValue.values(), ...d.singles];
    const before = state(groups, existing, base.total);
    let afterGroups: number[];
    if (value === null || existing === 0) afterGroups = [...groups, w];
    else afterGroups = [...d.byValue].map(([v, x]) => (v === value ? x + w : x)).concat(d.singles);
    dimensions[d.name] = {
      value,
      newValue: value !== null && existing === 0,
      before,
      after: state(afterGroups, existing + w, base.total + w),
    };
  }
  return { weighting: formatWeighting(base.weighting), weight: w, dimensions };
}

/**
 * Marginal effect of adding `newNode` to `nodes` on each dimension (default: every dimension of either):
 * the share of its group, HHI, effective number and Nakamoto coefficients before and after.
 * Weighting defaults to stake when anyone has stake, else count.
 */
export function marginalEffect(
  nodes: readonly Member[],
  newNode: Member,
  dims?: readonly string[],
  weighting?: Weighting,
): MarginalEffect {
  const dimensions = dims ?? dimensionsOf([...nodes, newNode]);
  const base = prepareMarginal(nodes, {
    dimensions,
    weighting: weighting ?? defaultWeighting([...nodes, newNode]),
  });
  return marginalOf(base, newNode);
}
