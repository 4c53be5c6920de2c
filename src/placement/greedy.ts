import { Heap } from '../util/heap.js';
import type { Instance, SiteModel } from './instance.js';
import { knapsack } from './knapsack.js';
import { CoverageState, planValue } from './objective.js';
import type { Pick, Plan } from './types.js';

/**
 * Lazy greedy over (site, bundle of models) elements (docs/placement.md). Each step takes the site whose
 * best bundle — an exact 0/1 knapsack over memory, since models at one site cover different pairs — has
 * the largest marginal gain among the sites the constraints still allow. Gains only shrink
 * (submodularity), so a site's stale value is an upper bound and is recomputed only when it reaches the
 * top of the heap. A final pass fills memory left on chosen sites. `ratio`: rank by gain ÷ monthly cost.
 */

const EPS = 1e-12;

interface Bundle {
  value: number;
  chosen: SiteModel[];
}

/** The best set of models for `site` given `state`: a knapsack over `capacity` GB, models in `skip` left out. */
export function bestBundle(
  inst: Instance,
  state: CoverageState,
  site: number,
  capacity: number,
  skip?: Set<number>,
) {
  const options = (inst.siteModels[site] ?? []).filter((sm) => !skip?.has(sm.model));
  const values = options.map((sm) => state.gain(site, sm));
  const weights = options.map((sm) => inst.models[sm.model]!.footprintGb);
  const ks = knapsack(values, weights, capacity);
  return { value: ks.value, chosen: ks.items.map((k) => options[k]!) } satisfies Bundle;
}

/** Runs one greedy pass; `ratio` ranks new sites by gain per USD. */
export function greedyPlan(inst: Instance, ratio = false): Plan {
  const { sites, caps } = inst;
  const K = inst.options.add;
  const budget = inst.options.budgetUsd ?? Number.POSITIVE_INFINITY;
  const state = new CoverageState(inst);
  const picked = new Uint8Array(sites.length);
  const groupUsed = new Uint8Array(inst.groupCount);
  const capCount = new Int32Array(caps.length);
  let added = 0;
  let warmed = 0;
  let spent = 0;
  const picks: Pick[] = [];

  const allowed = (s: number): boolean => {
    const site = sites[s]!;
    if (picked[s]) return false;
    if (!site.isNew) return warmed < inst.options.warmExisting;
    if (added >= K || groupUsed[site.group]) return false;
    if (spent + site.input.costUsdMonth > budget + 1e-9) return false;
    return site.caps.every((c) => capCount[c]! < caps[c]!.limit);
  };
  const key = (s: number, value: number): number => {
    const cost = sites[s]!.isNew ? sites[s]!.input.costUsdMonth : 0;
    if (!ratio) return value;
    return cost > 0 ? value / cost : value * 1e12;
  };

  // Highest key first (keys pushed negated), ties to the lower site index.
  const heap = new Heap(sites.length);
  for (let s = 0; s < sites.length; s++) {
    if (!allowed(s)) continue;
    const b = bestBundle(inst, state, s, sites[s]!.memory);
    if (b.value > EPS) heap.push(-key(s, b.value), s, s);
  }
  while (heap.pop()) {
    const s = heap.poppedValue;
    if (!allowed(s)) continue;
    const b = bestBundle(inst, state, s, sites[s]!.memory);
    if (b.value <= EPS) continue;
    const k = key(s, b.value);
    if (k < -heap.peekKey()) {
      heap.push(-k, s, s);
      continue;
    }
    for (const sm of b.chosen) state.apply(s, sm);
    picks.push({ site: s, models: b.chosen.map((sm) => sm.model) });
    picked[s] = 1;
    const site = sites[s]!;
    if (site.isNew) {
      added++;
      spent += site.input.costUsdMonth;
      groupUsed[site.group] = 1;
      for (const c of site.caps) capCount[c]!++;
    } else warmed++;
  }
  fillLeftoverMemory(inst, state, picks);
  return { picks };
}

/** Adds models with positive gain into memory left free on chosen sites (only raises the objective). */
function fillLeftoverMemory(inst: Instance, state: CoverageState, picks: Pick[]): void {
  for (const pick of picks) {
    const used = pick.models.reduce((s, m) => s + inst.models[m]!.footprintGb, 0);
    const free = inst.sites[pick.site]!.memory - used;
    if (free < 1) continue;
    const b = bestBundle(inst, state, pick.site, free, new Set(pick.models));
    for (const sm of b.chosen) {
      state.apply(pick.site, sm);
      pick.models.push(sm.model);
    }
  }
}

/** Greedy with a budget: the better of plain and cost-benefit greedy; without one, plain greedy. */
export function greedy(inst: Instance): Plan {
  const plain = greedyPlan(inst, false);
  if (inst.options.budgetUsd === undefined) return plain;
  const perUsd = greedyPlan(inst, true);
  return planValue(inst, perUsd) > planValue(inst, plain) ? perUsd : plain;
}
