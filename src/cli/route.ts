import { InputError, NotFoundError, UsageError } from '../errors.js';
import { POLICY_NAMES } from '../model/policies.js';
import { NetworkState } from '../network/state.js';
import type { Receipt, RouteDecision } from '../routing/decision.js';
import type { Policy } from '../routing/policy.js';
import { parseRequest } from '../routing/request.js';
import { notLive, PolicyResolver } from '../routing/resolver.js';
import { route } from '../routing/route.js';
import { loadScenarioFile } from '../scenario/load.js';
import { Rng } from '../util/rng.js';
import { renderTable } from '../util/text-table.js';
import { readTextFile } from '../util/yaml-file.js';
import { type Command, flag, num, requireStr, str } from './command.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit.js';

/** Failed decisions that are the request's own mistake (exit 2, like a malformed request). */
const INPUT_ERRORS: ReadonlySet<string> = new Set([
  'unknown_model',
  'unknown_dataset',
  'unsupported_verification',
]);

const NAME = 'route';

const HELP = `meridian route --scenario FILE --request JSON|@FILE [--policy NAME] [--explain] [--json]

Decides where one request runs on a scenario's network (every node healthy and idle, models where the
scenario puts them) with the same route() the simulator and the gateway use, and prints the primary,
its independent fallbacks, the hedge, the verifiers and the expected completion time.

  --scenario FILE    scenario YAML (see scenarios/)
  --request JSON     the request, inline JSON or @file, e.g.
                     '{"model":"llama-3.3-70b-instruct","client":{"lat":50.11,"lon":8.68,"metro":"frankfurt"},
                       "inputTokens":800,"outputTokens":200}'
  --policy NAME      ${POLICY_NAMES.join(', ')} or a profile of --profiles (default meridian)
  --profiles FILE    YAML file of extra routing profiles (same shape as the built-in ones)
  --seed N           decision seed (default: the scenario's seed)
  --top N            candidates listed by --explain (default 5)
  --explain          also print the receipt: candidates, filters, every estimate term, relaxations
  --json             one JSON object: {"primary", "fallbacks", "verifiers", "estimate_ms", ...}

Exit codes: 0 routed, 1 no node qualifies (or the deadline cannot be met under a shedding policy),
2 bad usage or input (malformed request, unknown model, dataset or policy, a verification the model does not offer).`;

/** Inline JSON or `@file` → the parsed value; bad JSON is an InputError naming the source. */
function readRequest(text: string): { value: unknown; source: string } {
  let body = text;
  let source = 'request';
  if (text.startsWith('@')) {
    source = text.slice(1);
    body = readTextFile(source, 'request file');
  }
  try {
    return { value: JSON.parse(body), source };
  } catch (e) {
    throw new InputError(source, [{ path: '', message: `not valid JSON: ${(e as Error).message}` }], {
      cause: e,
    });
  }
}

function choosePolicy(name: string, profilesFile: string | undefined): Policy {
  const policies = PolicyResolver.load(profilesFile);
  const policy = policies.resolve(name);
  if (!policy) throw new UsageError(`${NAME}: --policy: ${policies.unknown(name)}`);
  const live = notLive(policy);
  if (live) throw new UsageError(`${NAME}: --policy: ${live}`);
  return policy;
}

const ms = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '∞');

function explainText(r: Receipt): string {
  const filtered = Object.entries(r.filtered)
    .map(([why, n]) => `${n} ${why}`)
    .join(', ');
  const lines = [
    '',
    `candidates: ${r.candidates.considered} considered${r.candidates.exhaustive ? ' (full scan)' : ''}, ${r.candidates.afterFilters} after filters${filtered ? ` (removed: ${filtered})` : ''}`,
    renderTable(
      [
        { header: 'node' },
        { header: 'metro' },
        { header: 'warm' },
        { header: 'rtt ms', align: 'right' },
        { header: 'queue ms', align: 'right' },
        { header: 'cold start ms', align: 'right' },
        { header: 'service ms', align: 'right' },
        { header: 'data ms', align: 'right' },
        { header: 'estimate ms', align: 'right' },
        { header: '± ms', align: 'right' },
        { header: 'cost', align: 'right' },
      ],
      r.top.map((c) => [
        c.node === r.chosen ? `${c.node} *` : c.node,
        c.metro,
        c.warm ? 'yes' : 'no',
        c.rttMs.toFixed(1),
        ms(c.queueMs),
        ms(c.coldStartMs),
        ms(c.serviceMs),
        ms(c.dataFetchMs),
        ms(c.estimateMs),
        ms(c.uncertaintyMs),
        ms(c.costMs),
      ]),
    ),
  ];
  for (const x of r.relaxations) lines.push(`relaxed ${x.slot}: ${x.reason}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  lines.push(`seed ${r.seed} (replay with --seed ${r.seed})`);
  return lines.join('\n');
}

function decisionText(d: RouteDecision & { ok: true }, view: { metroOf(id: string): string }): string {
  const list = (ids: readonly string[]) => (ids.length > 0 ? ids.join(', ') : '-');
  const lines = [
    `primary    ${d.primary} (${view.metroOf(d.primary)})  estimate ${ms(d.estimateMs)} ms${d.deadline === 'none' ? '' : `, deadline ${d.deadline}`}`,
    `fallbacks  ${list(d.fallbacks)}`,
    `hedge      ${d.hedge ?? '-'}`,
    `verifiers  ${list(d.verifiers)}`,
  ];
  if (d.spotCheck) lines.push(`spot check ${d.spotCheck}`);
  return lines.join('\n');
}

export const routeCommand: Command = {
  name: NAME,
  help: HELP,
  options: {
    scenario: { type: 'string' },
    request: { type: 'string' },
    policy: { type: 'string' },
    profiles: { type: 'string' },
    seed: { type: 'string' },
    top: { type: 'string' },
    explain: { type: 'boolean' },
  },
  async run(args, io) {
    const scenarioFile = requireStr(args, NAME, 'scenario');
    const requestText = requireStr(args, NAME, 'request');
    const top = num(args, NAME, 'top', 5, { min: 0, max: 1000, integer: true });
    const policy = choosePolicy(str(args, 'policy') ?? 'meridian', str(args, 'profiles'));
    const { value, source } = readRequest(requestText);
    const request = parseRequest(value, source);
    const scenario = loadScenarioFile(scenarioFile);
    const seed = num(args, NAME, 'seed', scenario.seed, { min: 0, max: 2 ** 32 - 1, integer: true });
    const state = NetworkState.fromScenario(scenario);
    const t = state.topology;
    if (!t.models.index.has(request.model)) {
      throw new NotFoundError(
        `${source}: model: model "${request.model}" is not in scenario ${scenario.name} (models: ${t.models.ids.join(', ')})`,
      );
    }
    const explain = flag(args, 'explain');
    const d = route(request, state.snapshot(0), policy, new Rng(seed), { explain, topN: top, seed });
    const json = flag(args, 'json');
    if (!d.ok) {
      if (json) io.out(JSON.stringify({ error: d.error, ...(explain ? { receipt: d.receipt } : {}) }));
      else {
        io.err(`meridian: ${d.error.code}: ${d.error.message}`);
        if (explain && d.receipt) io.out(explainText(d.receipt));
      }
      // A request the network can never take as asked is bad input, as the gateway's 404 and 400 say.
      return INPUT_ERRORS.has(d.error.code) ? EXIT_USAGE : EXIT_FAILURE;
    }
    if (json) {
      io.out(
        JSON.stringify({
          primary: d.primary,
          fallbacks: d.fallbacks,
          hedge: d.hedge,
          verifiers: d.verifiers,
          spot_check: d.spotCheck,
          estimate_ms: Math.round(d.estimateMs * 10) / 10,
          deadline: d.deadline,
          relaxations: d.relaxations,
          policy: d.policy,
          seed: d.seed,
          ...(explain ? { receipt: d.receipt } : {}),
        }),
      );
    } else {
      const metroOf = (id: string) => t.metros.ids[t.nodeMetro[t.index.get(id)!]!]!;
      io.out(decisionText(d, { metroOf }));
      if (explain && d.receipt) io.out(explainText(d.receipt));
    }
    return EXIT_OK;
  },
};
