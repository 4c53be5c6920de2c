import type { Instance } from './instance.js';
import type { Guarantee, Plan } from './types.js';

/** How a solve ended. `heuristic`: greedy, no optimality claim. */
export type SolveStatus = 'optimal' | 'time-limit' | 'heuristic' | 'infeasible';

export interface SolveOptions {
  /** Wall-clock limit for HiGHS, seconds. */
  timeLimitS: number;
  /** Stop the MILP when (bound − objective) / bound falls below this. */
  relativeGap: number;
  /** Greedy: also solve the LP relaxation for a bound (when the instance is small enough). */
  lpBound: boolean;
  /** A feasible plan to start the MILP from. */
  start?: Plan;
  /** Called while HiGHS works: once when it starts, then at most every `progressEveryS` seconds. */
  progress?: (p: SolveProgress) => void;
  /** Least wall-clock interval between two progress reports, seconds (default 2). */
  progressEveryS?: number;
}

/** Where a running exact solve stands. Fields other than `seconds` are absent until HiGHS knows them. */
export interface SolveProgress {
  /** Wall-clock seconds since the solve started. */
  seconds: number;
  /** Best plan found so far (objective gain). */
  objective?: number;
  /** Proven upper bound on the optimum gain. */
  bound?: number;
  /** (bound − objective) / bound. */
  gap?: number;
}

export const DEFAULT_SOLVE_OPTIONS: SolveOptions = {
  timeLimitS: 60,
  relativeGap: 1e-4,
  lpBound: true,
};

/** Default least interval between two progress reports of a running solve, seconds. */
export const PROGRESS_EVERY_S = 2;

/** Size of the MILP handed to HiGHS. */
export interface ModelSize {
  columns: number;
  integers: number;
  rows: number;
  nonzeros: number;
}

export interface Solution {
  solver: 'exact' | 'greedy';
  status: SolveStatus;
  plan: Plan;
  /** Objective gain of the plan over the existing network (scored by `planValue`). */
  objective: number;
  /** Proven upper bound on the optimum gain, when known. */
  bound: number | undefined;
  /** Where the bound comes from: the MILP's dual bound or the LP relaxation. */
  boundSource: 'milp' | 'lp' | undefined;
  /** (bound − objective) / bound, when a bound is known (0 when both are 0). */
  gap: number | undefined;
  /** Greedy's a-priori worst-case ratio for this instance. */
  guarantee: Guarantee | undefined;
  seconds: number;
  model: ModelSize | undefined;
}

/** A placement solver: exact MILP or greedy heuristic behind one interface. */
export interface Solver {
  readonly name: 'exact' | 'greedy';
  solve(instance: Instance, options: SolveOptions): Promise<Solution>;
}

/** (bound − objective) / bound, clamped at 0; 0 when the bound is 0. */
export function relativeGap(objective: number, bound: number): number {
  if (!(bound > 0)) return 0;
  return Math.max(0, (bound - objective) / bound);
}
