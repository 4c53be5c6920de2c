import { bestBundle } from './greedy.js';
import type { Instance } from './instance.js';
import { applyPick, CoverageState, pickGain, planValue, planViolations } from './objective.js';
import type { Pick, Plan } from './types.js';

/**
 * Local search on a feasible plan, so that the exact solver starts from a better incumbent
 * (docs/placement.md, "Solvers"). Three moves, each kept only when it raises the objective:
 *
 * - **rebundle**: each pick's models re-chosen as the best knapsack given all the other picks, repeated
 *   until no pick changes;
 * - **drop**: one model taken off one pick and kept off it while the picks rebundle, then all rebundle
 *   freely (two sites can trade models this way, which rebundling one pick at a time cannot do);
 * - **swap**: a pick's site replaced by the allowed site of the same kind (new or existing) whose best
 *   bundle given the other picks gains most, then all rebundle.
 *
 * Rounds of drops and swaps repeat until one changes nothing or the deadline (`performance.now()` ms)
 * passes. The result is feasible and never worse than the input.
 */

const EPS = 1e-12;

/** The coverage of every pick but the `skip`-th. */
function stateWithout(inst: Instance, picks: readonly Pick[], skip: number): CoverageState {
  const state = new CoverageState(inst);
  picks.forEach((p, k) => {
    if (k !== skip) applyPick(inst, state, p);
  });
  return state;
}

/** Each pick's bundle re-chosen given the others until none changes; `skip` keeps models off picks. */
function rebundle(
  inst: Instance,
  picks: readonly Pick[],
  skip?: (k: number) => Set<number> | undefined,
): Pick[] {
  const out = picks.map((p) => ({ site: p.site, models: [...p.models] }));
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = 0; k < out.length; k++) {
      const pick = out[k]!;
      const state = stateWithout(inst, out, k);
      const b = bestBundle(inst, state, pick.site, inst.sites[pick.site]!.memory, skip?.(k));
      if (b.value > pickGain(inst, state, pick) + EPS) {
        out[k] = { site: pick.site, models: b.chosen.map((sm) => sm.model) };
        changed = true;
      }
    }
  }
  return out;
}

/** One pass of drop moves over every (pick, model); the improved picks, or undefined when none helped. */
function dropRound(inst: Instance, picks: readonly Pick[], deadline: number): Pick[] | undefined {
  let current = [...picks];
  let value = planValue(inst, { picks: current });
  let improved = false;
  for (let k = 0; k < current.length; k++) {
    for (const m of [...current[k]!.models]) {
      if (performance.now() > deadline) return improved ? current : undefined;
      if (!current[k]!.models.includes(m)) continue;
      const without = current.map((p, i) =>
        i === k ? { site: p.site, models: p.models.filter((x) => x !== m) } : p,
      );
      const kept = rebundle(inst, without, (i) => (i === k ? new Set([m]) : undefined));
      const freed = rebundle(inst, kept);
      const v = planValue(inst, { picks: freed });
      if (v > value + EPS) {
        current = freed;
        value = v;
        improved = true;
      }
    }
  }
  return improved ? current : undefined;
}

/** The allowed site of the same kind as pick k whose best bundle given the others beats pick k's. */
function bestReplacement(inst: Instance, picks: readonly Pick[], k: number): Pick | undefined {
  const used = new Set(picks.map((p) => p.site));
  const state = stateWithout(inst, picks, k);
  const isNew = inst.sites[picks[k]!.site]!.isNew;
  let best: Pick | undefined;
  let bestGain = pickGain(inst, state, picks[k]!) + EPS;
  inst.sites.forEach((site, s) => {
    if (used.has(s) || site.isNew !== isNew) return;
    const b = bestBundle(inst, state, s, site.memory);
    if (b.value <= bestGain) return;
    const pick = { site: s, models: b.chosen.map((sm) => sm.model) };
    if (planViolations(inst, { picks: picks.map((p, i) => (i === k ? pick : p)) }).length > 0) return;
    best = pick;
    bestGain = b.value;
  });
  return best;
}

/** One pass of swap moves over every pick; the improved picks, or undefined when none helped. */
function swapRound(inst: Instance, picks: readonly Pick[], deadline: number): Pick[] | undefined {
  let current = [...picks];
  let value = planValue(inst, { picks: current });
  let improved = false;
  for (let k = 0; k < current.length; k++) {
    if (performance.now() > deadline) break;
    const replacement = bestReplacement(inst, current, k);
    if (replacement === undefined) continue;
    const moved = rebundle(
      inst,
      current.map((p, i) => (i === k ? replacement : p)),
    );
    const v = planValue(inst, { picks: moved });
    if (v > value + EPS) {
      current = moved;
      value = v;
      improved = true;
    }
  }
  return improved ? current : undefined;
}

/** A plan at least as good as `plan`, improved by local search until no move helps or `deadline` passes. */
export function improvePlan(inst: Instance, plan: Plan, deadline = Number.POSITIVE_INFINITY): Plan {
  let picks = rebundle(inst, plan.picks);
  for (;;) {
    const next = dropRound(inst, picks, deadline) ?? swapRound(inst, picks, deadline);
    if (next === undefined) break;
    picks = next;
  }
  const result = { picks: picks.filter((p) => p.models.length > 0) };
  const ok = planViolations(inst, result).length === 0 && planValue(inst, result) >= planValue(inst, plan);
  return ok ? result : plan;
}
