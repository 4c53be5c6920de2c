import { formatIssue, type InputIssue, UsageError } from '../errors.js';
import { POLICY_NAMES } from '../model/policies.js';
import { PolicyResolver } from '../routing/resolver.js';
import { runTooLarge } from '../scenario/limits.js';
import { loadScenarioFile } from '../scenario/load.js';
import { durationWarnings, timedEvents } from '../sim/events-window.js';
import { type PolicyProgress, ProgressBoard } from '../sim/progress.js';
import { placesOf } from '../sim/report/map.js';
import { comparisonTable } from '../sim/report/table.js';
import { resultsJson, writeReport } from '../sim/report/write.js';
import { buildResults } from '../sim/results.js';
import { routerFactoryFor } from '../sim/route-adapter.js';
import { runSimulation } from '../sim/run.js';
import { simInputFromScenario } from '../sim/scenario-input.js';
import { defaultThreads, simulateOnThreads } from '../sim/threads.js';
import { checkWritableDir } from '../util/writable-dir.js';
import { type Command, flag, num, str } from './command.js';

const NAME = 'simulate';

/** `600`, `600s`, `10m`, `1h` → seconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$/.exec(text);
  if (!m) return undefined;
  const v = Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
  return v > 0 ? v : undefined;
}

function parsePolicies(
  text: string | undefined,
  fallback: readonly string[],
  known: PolicyResolver,
): string[] {
  if (text === undefined) return [...fallback];
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0)
    throw new UsageError(`${NAME}: --policies: no policy given; expected some of ${known.names.join(', ')}`);
  const unknown = names.find((n) => !known.has(n));
  if (unknown !== undefined) throw new UsageError(`${NAME}: --policies: ${known.unknown(unknown)}`);
  return [...new Set(names)];
}

export const simulate: Command = {
  name: NAME,
  help: `meridian simulate SCENARIO [--policies a,b] [--profiles FILE] [--duration 600|10m|1h] [--seed N] [--staleness MS] [--honest] [--threads N] [--out DIR] [--json]

Runs the scenario once per policy with the same arrivals, token counts and failures, and prints a
comparison table (p50/p95/p99 end-to-end and time to first token, lost and shed requests, cold starts
and the requests that waited on one, ratio to the lower bound, SLO attainment).

  --policies a,b   policies to compare (default: the scenario's); any of ${POLICY_NAMES.join(', ')}
                   or a profile of --profiles
  --profiles FILE  YAML file of extra routing profiles (same shape as the built-in ones, as for route
                   and serve); the scenario's policies and --policies may name its profiles
  --duration T     simulated time: seconds, or with s/m/h (default: the scenario's durationS)
  --seed N         seed for arrivals, tokens, failures and the router (default: the scenario's)
  --staleness MS   age of the router's view, ms (default: the scenario's stalenessMs)
  --honest         ignore the scenario's liars: the same world with every node honest
  --threads N      run the policies on up to N worker threads, one policy per thread at a time
                   (default: the cores this process may use); 1 runs them one after another
                   in this thread. The results are the same bytes either way
  --out DIR        write results.json, summary.md and report.html (self-contained, opens offline)
  --json           print the results JSON instead of the table`,
  options: {
    policies: { type: 'string' },
    profiles: { type: 'string' },
    duration: { type: 'string' },
    seed: { type: 'string' },
    staleness: { type: 'string' },
    honest: { type: 'boolean' },
    threads: { type: 'string' },
    out: { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const file = args.positionals[0]!;
    const durationText = str(args, 'duration');
    const durationS = durationText === undefined ? undefined : parseDuration(durationText);
    if (durationText !== undefined && durationS === undefined) {
      throw new UsageError(
        `${NAME}: --duration must be a positive number of seconds such as 600, or with s/m/h such as 10m or 1h (got "${durationText}")`,
      );
    }
    const seedText = str(args, 'seed');
    const seed =
      seedText === undefined
        ? undefined
        : num(args, NAME, 'seed', 0, { min: 0, max: 2 ** 32 - 1, integer: true });
    const stalenessText = str(args, 'staleness');
    const staleness =
      stalenessText === undefined ? undefined : num(args, NAME, 'staleness', 0, { min: 1, max: 3_600_000 });
    const threads = num(args, NAME, 'threads', defaultThreads(), { min: 1, max: 1024, integer: true });
    const dir = str(args, 'out');
    if (dir !== undefined) checkWritableDir(`${NAME}: --out`, dir);
    const profiles = str(args, 'profiles');
    const resolver = PolicyResolver.load(profiles);
    const scenario = loadScenarioFile(file, { policies: resolver.names });
    const policies = parsePolicies(str(args, 'policies'), scenario.policies, resolver);
    const tooLarge = durationS === undefined ? undefined : runTooLarge(scenario.demand, durationS);
    if (tooLarge !== undefined) throw new UsageError(`${NAME}: --duration ${durationText}: ${tooLarge}`);
    const traceWarnings: InputIssue[] = [];
    const input = simInputFromScenario(scenario, {
      ...(durationS !== undefined ? { durationS } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(staleness !== undefined ? { stalenessMs: staleness } : {}),
      honest: flag(args, 'honest'),
      policies,
      traceWarnings,
    });
    for (const w of scenario.warnings) io.err(`warning: ${formatIssue(file, w)}`);
    if (scenario.demand.kind === 'trace')
      for (const w of traceWarnings) io.err(`warning: ${formatIssue(scenario.demand.file, w)}`);
    for (const w of durationWarnings(timedEvents(input), input.durationS)) io.err(`warning: ${file}: ${w}`);
    const json = flag(args, 'json');
    const showProgress = io.isTTY && !json && process.stderr.isTTY === true;
    const board = new ProgressBoard(input.durationS * 1000, performance.now());
    let lastDraw = 0;
    const progress = showProgress
      ? (p: PolicyProgress) => {
          const now = performance.now();
          board.update(p, now);
          if (now - lastDraw < 200) return;
          lastDraw = now;
          process.stderr.write(`\r${board.line(now)}\x1b[K`);
        }
      : undefined;
    const results =
      threads > 1 && policies.length > 1
        ? await simulateOnThreads(input, policies, { threads, profiles, progress })
        : buildResults(runSimulation(input, routerFactoryFor(resolver), {}, policies, progress));
    if (showProgress) process.stderr.write('\r\x1b[K');
    const written = dir === undefined ? [] : writeReport(dir, results, placesOf(input));
    if (json) {
      io.out(resultsJson(results).trimEnd());
      return 0;
    }
    io.out(
      `${results.scenario}: ${results.duration_s} s simulated, seed ${results.seed}, ${results.nodes} nodes`,
    );
    io.out(comparisonTable(results));
    if (written.length > 0) io.out(`\nWrote ${written.join(', ')}`);
    return 0;
  },
};
