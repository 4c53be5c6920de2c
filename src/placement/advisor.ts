import { metroById } from '../geo/metros.js';
import { evaluatePlan, type PlanEvaluation } from './evaluate.js';
import { compileInstance, type Instance } from './instance.js';
import {
  latencyWorld,
  type ProblemOptions,
  placementInputFromScenario,
  type ScenarioLike,
} from './problem.js';
import { DEFAULT_SOLVE_OPTIONS, type Solution, type SolveOptions } from './solver.js';
import { chooseSolver, type SolverChoice } from './solvers.js';

/** The placement advisor end to end: scenario → instance → solver → evaluated recommendations. */

export interface AdviseOptions extends ProblemOptions {
  solver?: SolverChoice;
  solve?: Partial<SolveOptions>;
  /**
   * Operator label shared by all proposed nodes; default: each proposed node its own new operator
   * (`proposed-1`, …), so K new nodes are K independent operators in the concentration figures.
   */
  operator?: string;
}

export interface Advice {
  instance: Instance;
  solution: Solution;
  evaluation: PlanEvaluation;
}

export async function advise(scenario: ScenarioLike, opts: AdviseOptions = {}): Promise<Advice> {
  const input = placementInputFromScenario(scenario, opts);
  const instance = compileInstance(input);
  const solver = chooseSolver(instance, opts.solver ?? 'auto');
  const solution = await solver.solve(instance, { ...DEFAULT_SOLVE_OPTIONS, ...opts.solve });
  const evaluation = evaluatePlan(instance, solution.plan, {
    world: latencyWorld(input),
    nodes: scenario.nodes,
    location: (metro) => metroById(metro) ?? { lat: 0, lon: 0 },
    ...(opts.operator === undefined ? {} : { operator: opts.operator }),
  });
  return { instance, solution, evaluation };
}
