import { NO_LABEL, sameLabel } from '../model/label-codes.js';
import { canServe } from './coverage.js';
import type { Instance, SiteModel } from './instance.js';
import type { Pick, Plan } from './types.js';

/**
 * Coverage bookkeeping for the placement objective (docs/placement.md): per demand pair the distinct
 * domain values covering it (0, 1 or 2, and the first one), per popular model the providers holding it.
 * `gain` is the marginal objective of keeping one model warm at one site; `apply` commits it. Every
 * solver's plan is scored through this class, so values are comparable between solvers.
 */
export class CoverageState {
  private readonly cnt: Uint8Array;
  private readonly d1: Int32Array;
  private readonly divCnt: Int32Array;
  private readonly divHas: Uint8Array;
  private readonly nProviders: number;
  /** Objective gain over the existing network of everything applied so far. */
  value = 0;

  constructor(private readonly inst: Instance) {
    this.cnt = inst.pairs.cnt0.slice();
    this.d1 = inst.pairs.d1.slice();
    this.nProviders = inst.providers.length;
    this.divCnt = new Int32Array(inst.popular.length);
    this.divHas = new Uint8Array(inst.popular.length * this.nProviders);
  }

  /** Marginal objective of keeping `sm.model` warm at `site` given everything applied so far. */
  gain(site: number, sm: SiteModel): number {
    const { weight } = this.inst.pairs;
    const rho = this.inst.options.robustWeight;
    const dom = this.inst.sites[site]!.domain;
    let g = 0;
    const reach = sm.reach;
    for (let r = 0; r < reach.length; r++) {
      const j = reach[r]!;
      const c = this.cnt[j]!;
      if (c === 0) g += weight[j]!;
      else if (c === 1 && !sameLabel(this.d1[j]!, dom)) g += rho * weight[j]!;
    }
    return g + this.diversityGain(site, sm.model);
  }

  private diversityGain(site: number, model: number): number {
    const k = this.inst.popularOf[model]!;
    if (k < 0) return 0;
    const p = this.inst.popular[k]!;
    const prov = this.inst.sites[site]!.provider;
    // A site without a provider label adds no provider group.
    if (prov === NO_LABEL) return 0;
    if (this.divCnt[k]! >= p.need || p.existing.has(prov) || this.divHas[k * this.nProviders + prov])
      return 0;
    return p.weight;
  }

  /** Commits keeping `sm.model` warm at `site`; returns the gain. */
  apply(site: number, sm: SiteModel): number {
    const g = this.gain(site, sm);
    const dom = this.inst.sites[site]!.domain;
    const reach = sm.reach;
    for (let r = 0; r < reach.length; r++) {
      const j = reach[r]!;
      const c = this.cnt[j]!;
      if (c === 0) {
        this.cnt[j] = 1;
        this.d1[j] = dom;
      } else if (c === 1 && !sameLabel(this.d1[j]!, dom)) this.cnt[j] = 2;
    }
    const k = this.inst.popularOf[sm.model]!;
    if (k >= 0 && this.diversityGain(site, sm.model) > 0) {
      this.divCnt[k]!++;
      this.divHas[k * this.nProviders + this.inst.sites[site]!.provider] = 1;
    }
    this.value += g;
    return g;
  }
}

/** The `SiteModel` of `model` at `site`, or undefined when keeping it warm there reaches nothing. */
export function siteModel(inst: Instance, site: number, model: number): SiteModel | undefined {
  return inst.siteModels[site]?.find((sm) => sm.model === model);
}

/** Marginal objective of one pick (site and its models) given `state`, without changing it. */
export function pickGain(inst: Instance, state: CoverageState, pick: Pick): number {
  let g = 0;
  for (const m of pick.models) {
    const sm = siteModel(inst, pick.site, m);
    if (sm !== undefined) g += state.gain(pick.site, sm);
  }
  return g;
}

/** Commits one pick to `state`; returns its gain. */
export function applyPick(inst: Instance, state: CoverageState, pick: Pick): number {
  let g = 0;
  for (const m of pick.models) {
    const sm = siteModel(inst, pick.site, m);
    if (sm !== undefined) g += state.apply(pick.site, sm);
  }
  return g;
}

/** Objective gain of a plan over the existing network (picks applied in order; the order does not matter). */
export function planValue(inst: Instance, plan: Plan): number {
  const state = new CoverageState(inst);
  for (const pick of plan.picks) applyPick(inst, state, pick);
  return state.value;
}

/** Monthly cost of a plan's new nodes. */
export function planCost(inst: Instance, plan: Plan): number {
  return plan.picks.reduce((s, p) => s + inst.sites[p.site]!.input.costUsdMonth, 0);
}

/** Every constraint a plan violates, as sentences; empty when the plan is feasible. */
export function planViolations(inst: Instance, plan: Plan): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  const groups = new Map<number, number>();
  const caps = new Int32Array(inst.caps.length);
  let added = 0;
  let warmed = 0;
  for (const { site, models } of plan.picks) {
    const s = inst.sites[site];
    if (s === undefined) {
      out.push(`site index ${site} does not exist`);
      continue;
    }
    if (seen.has(site)) out.push(`site ${s.input.id} is picked twice`);
    seen.add(site);
    let mem = 0;
    for (const m of models) {
      const model = inst.models[m];
      if (model === undefined || !canServe(s.input, model))
        out.push(`site ${s.input.id} cannot serve model ${m}`);
      else mem += model.footprintGb;
    }
    if (new Set(models).size !== models.length) out.push(`site ${s.input.id} lists a model twice`);
    if (mem > s.memory) out.push(`site ${s.input.id} needs ${mem} GB but has ${s.memory} GB`);
    if (!s.isNew) {
      warmed++;
      continue;
    }
    added++;
    groups.set(s.group, (groups.get(s.group) ?? 0) + 1);
    for (const c of s.caps) caps[c]!++;
  }
  if (added > inst.options.add) out.push(`${added} new nodes > K = ${inst.options.add}`);
  if (warmed > inst.options.warmExisting) {
    out.push(`${warmed} existing nodes changed > ${inst.options.warmExisting}`);
  }
  for (const [g, n] of groups) if (n > 1) out.push(`group ${g} opens ${n} nodes`);
  inst.caps.forEach((c, i) => {
    if (caps[i]! > c.limit) out.push(`${c.dimension}=${c.value}: ${caps[i]} new nodes > cap ${c.limit}`);
  });
  const cost = planCost(inst, plan);
  if (inst.options.budgetUsd !== undefined && cost > inst.options.budgetUsd + 1e-6) {
    out.push(`cost ${cost} > budget ${inst.options.budgetUsd}`);
  }
  return out;
}

/**
 * The same picks, ordered so that each has the largest marginal gain given the ones before it (how
 * recommendations are listed). Ties keep the original order.
 */
export function orderPicks(inst: Instance, plan: Plan): Plan {
  const state = new CoverageState(inst);
  const left = [...plan.picks];
  const out: Plan['picks'] = [];
  while (left.length > 0) {
    let best = 0;
    let bestGain = Number.NEGATIVE_INFINITY;
    left.forEach((pick, k) => {
      const g = pickGain(inst, state, pick);
      if (g > bestGain + 1e-15) {
        bestGain = g;
        best = k;
      }
    });
    const pick = left.splice(best, 1)[0]!;
    applyPick(inst, state, pick);
    out.push(pick);
  }
  return { picks: out };
}
