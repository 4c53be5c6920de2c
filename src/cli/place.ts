import { UsageError } from '../errors.js';
import { advise } from '../placement/advisor.js';
import { loadCandidatesFile, requirePricesForBudget } from '../placement/candidates.js';
import { renderAdvice } from '../placement/render.js';
import { PROGRESS_EVERY_S, type SolveProgress } from '../placement/solver.js';
import type { SolverChoice } from '../placement/solvers.js';
import { DEFAULT_PLACEMENT_OPTIONS, type PlacementOptions } from '../placement/types.js';
import { loadScenarioFile } from '../scenario/load.js';
import { type Command, num, type Parsed, requireStr, str } from './command.js';
import { EXIT_OK } from './exit.js';

const NAME = 'place';

const HELP = `meridian place --scenario FILE --add K [--budget USD] [--candidates FILE] [--solver exact|greedy|auto]
               [--time-limit S] [--threshold MS] [--nearest K] [--warm-existing N] [--cap dim=share ...]
               [--robust-weight R] [--operator NAME] [--json]

Placement advisor: chooses up to K new nodes among candidate sites (metro × provider × accelerator with a
monthly cost) and which models each new node — and up to N existing nodes with spare accelerator memory —
keeps warm, maximising demand-weighted coverage by a warm replica within the RTT threshold, also by a
second provider (robust to any single provider failing), under caps on any provider's / ASN's share of
nodes. Formulation: docs/placement.md. Each recommendation shows Δ latency p50/p95 per region, Δ HHI and
Δ Nakamoto per dimension, and its cost.

Options:
  --scenario FILE     the network, models and demand (a scenario file)
  --add K             new nodes to add (0 = only warm more models on existing nodes)
  --budget USD        monthly budget for the new nodes
  --candidates FILE   candidate sites (YAML/JSON list of {metro, provider, accelerator, count?, memoryGb?,
                      costUsdMonth? | gpuHourUsd?, asn?, datacenter?, labels?}); default: every site ×
                      accelerator of the provider catalog with a listed price
  --solver S          exact (HiGHS MILP) | greedy | auto (default: exact when the MILP is small enough)
  --time-limit S      HiGHS time limit in seconds (default 30)
  --threshold MS      coverage RTT threshold (default ${DEFAULT_PLACEMENT_OPTIONS.thresholdMs})
  --nearest K         capable sites each (metro, model) pair considers (default ${DEFAULT_PLACEMENT_OPTIONS.nearestSites})
  --warm-existing N   existing nodes that may keep more models warm (default ${DEFAULT_PLACEMENT_OPTIONS.warmExisting})
  --cap dim=share     cap on a dimension's share of nodes after adding K (repeatable; replaces the default
                      ${Object.entries(DEFAULT_PLACEMENT_OPTIONS.caps)
                        .map(([d, v]) => `${d}=${v}`)
                        .join(' ')}; "--cap none" for no caps)
  --robust-weight R   weight in [0, 1] of coverage by a second provider (default ${DEFAULT_PLACEMENT_OPTIONS.robustWeight})
  --operator NAME     all new nodes are run by this operator (a new one or an existing one); default: each
                      new node its own new operator (proposed-1, proposed-2, …)
  --json              print {"scenario", "options", "solver": {"name", "status", "seconds", "objective",
                      "bound", "gap", ...}, "instance", "recommendations": [...], "total": {...}}

New nodes are listed first (at most K), then the warm-set changes on existing nodes (not counted in K).
A candidate without a price (no costUsdMonth/gpuHourUsd and none in the catalog) is shown as "unknown"
(null in JSON) and is refused with --budget. While the exact solver works, a progress line (elapsed time,
incumbent, bound and gap) goes to stderr every ${PROGRESS_EVERY_S} s.

Latencies are analytic (RTT from the fitted distance model plus cold start where no replica is warm);
"none" means no node can serve that demand at all.`;

function caps(args: Parsed): Record<string, number> | undefined {
  const raw = args.values.cap;
  if (raw === undefined) return undefined;
  const items = (Array.isArray(raw) ? raw : [raw]).filter((x): x is string => typeof x === 'string');
  if (items.length === 1 && items[0] === 'none') return {};
  const out: Record<string, number> = {};
  for (const item of items) {
    const m = /^([A-Za-z][A-Za-z0-9_]*)=([0-9.]+)$/.exec(item);
    const share = m ? Number(m[2]) : Number.NaN;
    if (!m || !(share > 0 && share <= 1)) {
      throw new UsageError(`${NAME}: --cap must be dim=share with 0 < share ≤ 1, or "none" (got "${item}")`);
    }
    out[m[1]!] = share;
  }
  return out;
}

/** One stderr line on a running exact solve. */
export function progressLine(p: SolveProgress): string {
  const parts = [`${NAME}: exact solver (HiGHS) working, ${p.seconds.toFixed(1)} s`];
  if (p.objective !== undefined) parts.push(`best gain ${p.objective.toFixed(5)}`);
  if (p.bound !== undefined) parts.push(`bound ${p.bound.toFixed(5)}`);
  if (p.gap !== undefined) parts.push(`gap ${(p.gap * 100).toFixed(1)}%`);
  return `${parts.join(', ')}…`;
}

function solverChoice(args: Parsed): SolverChoice {
  const s = str(args, 'solver') ?? 'auto';
  if (s !== 'exact' && s !== 'greedy' && s !== 'auto') {
    throw new UsageError(`${NAME}: --solver must be exact, greedy or auto (got "${s}")`);
  }
  return s;
}

export const place: Command = {
  name: NAME,
  help: HELP,
  options: {
    scenario: { type: 'string' },
    add: { type: 'string' },
    budget: { type: 'string' },
    candidates: { type: 'string' },
    solver: { type: 'string' },
    'time-limit': { type: 'string' },
    threshold: { type: 'string' },
    nearest: { type: 'string' },
    'warm-existing': { type: 'string' },
    cap: { type: 'string', multiple: true },
    'robust-weight': { type: 'string' },
    operator: { type: 'string' },
  },
  async run(args, io) {
    const file = requireStr(args, NAME, 'scenario');
    const add = num(args, NAME, 'add', Number.NaN, { min: 0, max: 1000, integer: true });
    if (Number.isNaN(add))
      throw new UsageError(`${NAME}: --add is required\nRun "meridian ${NAME} --help" for usage.`);
    const budget = str(args, 'budget') === undefined ? undefined : num(args, NAME, 'budget', 0, { min: 0 });
    const options: Partial<PlacementOptions> = {
      add,
      budgetUsd: budget,
      thresholdMs: num(args, NAME, 'threshold', DEFAULT_PLACEMENT_OPTIONS.thresholdMs, { min: 0 }),
      nearestSites: num(args, NAME, 'nearest', DEFAULT_PLACEMENT_OPTIONS.nearestSites, {
        min: 1,
        integer: true,
      }),
      warmExisting: num(args, NAME, 'warm-existing', DEFAULT_PLACEMENT_OPTIONS.warmExisting, {
        min: 0,
        integer: true,
      }),
      robustWeight: num(args, NAME, 'robust-weight', DEFAULT_PLACEMENT_OPTIONS.robustWeight, {
        min: 0,
        max: 1,
      }),
      caps: caps(args) ?? DEFAULT_PLACEMENT_OPTIONS.caps,
    };
    const solver = solverChoice(args);
    const timeLimitS = num(args, NAME, 'time-limit', 30, { min: 0.1 });
    const scenario = loadScenarioFile(file);
    const candidatesFile = str(args, 'candidates');
    const candidates = candidatesFile === undefined ? undefined : await loadCandidatesFile(candidatesFile);
    if (candidates !== undefined && candidatesFile !== undefined)
      requirePricesForBudget(candidates, budget, candidatesFile);
    const operator = str(args, 'operator');
    if (operator !== undefined && operator.trim() === '')
      throw new UsageError(`${NAME}: --operator needs a name (got "${operator}")`);
    const advice = await advise(scenario, {
      options,
      candidates,
      solver,
      solve: { timeLimitS, progress: (p) => io.err(progressLine(p)) },
      ...(operator === undefined ? {} : { operator }),
    });
    if (args.values.json) {
      const { instance, solution, evaluation } = advice;
      io.out(
        JSON.stringify({
          scenario: file,
          options: instance.options,
          solver: {
            name: solution.solver,
            status: solution.status,
            seconds: solution.seconds,
            objective: solution.objective,
            bound: solution.bound ?? null,
            boundSource: solution.boundSource ?? null,
            gap: solution.gap ?? null,
            guarantee: solution.guarantee ?? null,
            model: solution.model ?? null,
          },
          instance: { ...instance.stats, caps: instance.caps.map(({ sites: _, ...c }) => c) },
          recommendations: evaluation.recommendations,
          total: evaluation.total,
        }),
      );
    } else io.out(renderAdvice(file, advice));
    return EXIT_OK;
  },
};
