import { estimateTotalMs } from '../estimate/candidate.js';
import type { NetworkView } from '../network/view.js';
import type { Rng } from '../util/rng.js';
import { MAX_SCORE_MS } from './contracts.js';
import type { Policy } from './policy.js';
import type { RouteQuery } from './query.js';
import type { Scratch } from './scratch.js';

/**
 * The contract-enforcing steps of the pipeline. Each runs the profile's plugins over `s.cands[0 ..
 * count)`, catches a throwing plugin (recorded in `warnings`, never rethrown) and keeps the results in
 * range. Timing per plugin is taken only when `timed` is set.
 */

function failure(kind: string, name: string, e: unknown): string {
  return `${kind} "${name}" failed: ${e instanceof Error ? e.message : String(e)}`;
}

/** Runs every filter; returns the survivors' count. Removed counts land in `s.removed` (by filter). */
export function runFilters(
  policy: Policy,
  view: NetworkView,
  q: RouteQuery,
  s: Scratch,
  count: number,
  timed: boolean,
  warnings: string[],
): number {
  let n = count;
  const filters = policy.filters;
  for (let f = 0; f < filters.length && n > 0; f++) {
    const t0 = timed ? performance.now() : 0;
    let kept: number;
    try {
      kept = filters[f]!.filter.filter(view, q, s.cands, n);
    } catch (e) {
      warnings.push(failure('filter', filters[f]!.name, e));
      s.filterFailed[f] = 1;
      kept = 0;
    }
    if (!(kept >= 0)) kept = 0;
    else if (kept > n) kept = n;
    else kept = Math.floor(kept);
    s.removed[f]! += n - kept;
    n = kept;
    if (timed) s.timing[f]! += performance.now() - t0;
  }
  return n;
}

/** Sums the weighted, clamped scorer costs into `s.costs[0 .. count)`. */
export function runScorers(
  policy: Policy,
  view: NetworkView,
  q: RouteQuery,
  s: Scratch,
  count: number,
  timed: boolean,
  warnings: string[],
): void {
  const costs = s.costs;
  const part = s.part;
  costs.fill(0, 0, count);
  const scorers = policy.scorers;
  const offset = policy.filters.length;
  for (let j = 0; j < scorers.length; j++) {
    const { scorer, weight, name } = scorers[j]!;
    if (weight === 0) continue;
    const t0 = timed ? performance.now() : 0;
    try {
      scorer.score(view, q, s.cands, count, part);
    } catch (e) {
      warnings.push(failure('scorer', name, e));
      part.fill(MAX_SCORE_MS, 0, count);
    }
    for (let k = 0; k < count; k++) {
      let v = part[k]!;
      if (v >= 0) {
        if (v > MAX_SCORE_MS) v = MAX_SCORE_MS;
      } else v = v < 0 ? 0 : MAX_SCORE_MS; // negative → 0, NaN → the maximum
      costs[k]! += weight * v;
    }
    if (timed) s.timing[offset + j]! += performance.now() - t0;
  }
}

/** Lowest-cost position (first on ties). */
export function argmin(costs: Float64Array, count: number): number {
  let best = 0;
  for (let k = 1; k < count; k++) if (costs[k]! < costs[best]!) best = k;
  return best;
}

/** Runs the picker; a failing or out-of-range pick falls back to the cheapest candidate. */
export function runPicker(
  policy: Policy,
  view: NetworkView,
  q: RouteQuery,
  s: Scratch,
  count: number,
  rng: Rng,
  timed: boolean,
  warnings: string[],
): number {
  const t0 = timed ? performance.now() : 0;
  let pos: number;
  try {
    pos = policy.picker.picker.pick(view, q, s.cands, count, s.costs, rng);
  } catch (e) {
    warnings.push(failure('picker', policy.picker.name, e));
    pos = -1;
  }
  if (!(pos >= 0 && pos < count && Number.isInteger(pos))) {
    if (warnings.length === 0 || !warnings[warnings.length - 1]!.startsWith('picker')) {
      warnings.push(
        `picker "${policy.picker.name}" returned an invalid position (${String(pos)}); took the cheapest`,
      );
    }
    pos = argmin(s.costs, count);
  }
  if (timed) s.timing[policy.filters.length + policy.scorers.length]! += performance.now() - t0;
  return pos;
}

/**
 * Puts each candidate's expected completion time into `s.part`, moves the ones meeting the request's
 * deadline to the front (candidates, costs and totals together) and returns how many meet it. The rest
 * stay behind them, so a caller finding none still has every total.
 */
export function keepWithinDeadline(view: NetworkView, q: RouteQuery, s: Scratch, count: number): number {
  for (let k = 0; k < count; k++) s.part[k] = estimateTotalMs(view, q, s.cands[k]!);
  let met = 0;
  for (let k = 0; k < count; k++) {
    if (s.part[k]! > q.deadlineMs) continue;
    swap(s, k, met);
    met++;
  }
  return met;
}

function swap(s: Scratch, a: number, b: number): void {
  if (a === b) return;
  const c = s.cands[a]!;
  s.cands[a] = s.cands[b]!;
  s.cands[b] = c;
  const x = s.costs[a]!;
  s.costs[a] = s.costs[b]!;
  s.costs[b] = x;
  const y = s.part[a]!;
  s.part[a] = s.part[b]!;
  s.part[b] = y;
}
