/**
 * The three extension points of the routing pipeline: filter → scorers → picker. One verb each.
 *
 * Candidates are dense node indexes in `candidates[0 .. count)`. The engine never calls a plugin with
 * `count === 0`, runs every plugin synchronously on the hot path, and catches anything a plugin throws
 * (a throwing plugin is a bug, reported in the decision; plugins must return values, not throw).
 *
 * SCORES ARE COSTS IN MILLISECONDS: lower is better, 0 is the best possible, finite and ≥ 0. The engine
 * clamps NaN, negative and huge values into [0, MAX_SCORE_MS], multiplies each scorer's output by its
 * weight from the profile, and sums them into one cost per candidate. A scorer never sees its weight.
 *
 * Plugins are stateless with respect to the request (they may keep their own state across requests, like
 * the round-robin cursor) and must not allocate per candidate.
 */

import type { NetworkView } from '../network/view.js';
import type { Rng } from '../util/rng.js';
import type { RouteQuery } from './query.js';

/** The largest cost a scorer can contribute (ms, ≈ 11.6 days); anything above is clamped to it. */
export const MAX_SCORE_MS = 1e9;

/** Removes candidates that must not serve the request. */
export interface Filter {
  /** Why a removed candidate was removed, for the receipt (e.g. "unhealthy"). */
  readonly reason: string;
  /** Compacts the kept candidates to the front of `candidates` (keeping their order); returns how many. */
  filter(view: NetworkView, query: RouteQuery, candidates: Int32Array, count: number): number;
}

/** Gives every candidate a cost in ms. */
export interface Scorer {
  /** Writes the cost of `candidates[k]` to `out[k]` for k < count. */
  score(view: NetworkView, query: RouteQuery, candidates: Int32Array, count: number, out: Float64Array): void;
}

/** Chooses the primary among the scored candidates. */
export interface Picker {
  /** Returns the position k (0 ≤ k < count) of the chosen candidate, given the summed costs. */
  pick(
    view: NetworkView,
    query: RouteQuery,
    candidates: Int32Array,
    count: number,
    costs: Float64Array,
    rng: Rng,
  ): number;
}
