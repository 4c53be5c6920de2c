import { greedy } from './greedy.js';
import { lpRelaxationBound, solveExact } from './highs.js';
import type { Instance } from './instance.js';
import { buildMilp } from './milp.js';
import { orderPicks, planValue } from './objective.js';
import { relativeGap, type Solution, type SolveOptions, type Solver } from './solver.js';

/** Instances up to this many MILP nonzeros are small enough for HiGHS (auto solver, LP bound). */
export const MAX_EXACT_NONZEROS = 400_000;

/** Greedy, with the LP-relaxation bound when asked for and the instance is small enough. */
export const greedySolver: Solver = {
  name: 'greedy',
  async solve(inst: Instance, options: SolveOptions): Promise<Solution> {
    const t0 = performance.now();
    const plan = orderPicks(inst, greedy(inst));
    const objective = planValue(inst, plan);
    const seconds = (performance.now() - t0) / 1000;
    let bound: number | undefined;
    const size = options.lpBound ? buildMilp(inst).size : undefined;
    if (size !== undefined && size.nonzeros <= MAX_EXACT_NONZEROS) {
      bound = await lpRelaxationBound(inst, options.timeLimitS);
    }
    return {
      solver: 'greedy',
      status: 'heuristic',
      plan,
      objective,
      bound,
      boundSource: bound === undefined ? undefined : 'lp',
      gap: bound === undefined ? undefined : relativeGap(objective, bound),
      guarantee: inst.guarantee,
      seconds,
      model: size,
    };
  },
};

/** Exact MILP with HiGHS, started from greedy. */
export const exactSolver: Solver = { name: 'exact', solve: solveExact };

export type SolverChoice = 'exact' | 'greedy' | 'auto';

/** `auto`: exact when the MILP has at most `MAX_EXACT_NONZEROS` nonzeros, else greedy (with no LP bound). */
export function chooseSolver(inst: Instance, choice: SolverChoice): Solver {
  if (choice === 'exact') return exactSolver;
  if (choice === 'greedy') return greedySolver;
  return buildMilp(inst).size.nonzeros <= MAX_EXACT_NONZEROS ? exactSolver : greedySolver;
}
