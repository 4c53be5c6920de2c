import {
  DAY_MS,
  type DemandReport,
  demandReport,
  growthLine,
  MAX_HORIZON,
  rebucket,
} from '../demand/report.js';
import {
  bucketsSpanned,
  type DemandJson,
  DemandRecorder,
  MAX_DEMAND_BUCKETS,
  smallestBucketS,
} from '../demand/series.js';
import { formatIssue, InputError, type InputIssue, UsageError } from '../errors.js';
import { parseTraceCsv } from '../sim/workload/trace-csv.js';
import { renderTable } from '../util/text-table.js';
import { readTextFile } from '../util/yaml-file.js';
import { type Command, type Io, num, type Parsed, str } from './command.js';
import { EXIT_OK } from './exit.js';

const NAME = 'demand';

const HELP = `meridian demand (--receipts URL | --trace FILE | --results FILE) [options]

Shows demand series per (place, model): requests, tokens and unmet requests per bucket, the Holt-Winters
forecast (damped additive trend, daily season) with an 80% interval, and the growth report: which series
grow, how fast (week over week; day, hour or minute over the same for a series too short to state a week:
a rate is never extrapolated past three times the data's span), with an 80% interval and the confidence
that they grow, most surely growing first. See docs/demand.md.

Sources (exactly one):
  --receipts URL    a coordinator: reads URL/v1/demand (what its gateway served, per place and model)
  --trace FILE      a trace CSV (TIMESTAMP,ContextTokens,GeneratedTokens, as the Azure LLM traces): one series;
                    rows out of time order are sorted (with a warning naming the first); a span of more than
                    ${MAX_DEMAND_BUCKETS.toLocaleString('en-US')} buckets is refused (give a larger --bucket)
  --results FILE    a simulation's results.json: the series of one policy (requests and tokens are the
                    arrivals, the same for every policy; unmet is the policy's own)

Options:
  --policy NAME     with --results: the policy whose series to show (default: the first)
  --group G         with --receipts: region or metro (default region)
  --bucket S        bucket length in seconds, a whole multiple of the source's (default: the source's;
                    with --trace 10)
  --season N        buckets per season (default: a day's worth when a day is a whole number of buckets, else 1);
                    fitting a season takes two seasons of data, so at most half the series' buckets (with
                    fewer, as with the default on a short series, the forecast has no season)
  --horizon N       forecast this many buckets ahead, 1 to ${MAX_HORIZON} (default: one season, but at most a
                    third of the longest series and ${MAX_HORIZON})
  --top N           growth report rows (default 10)
  --json            print {"bucketMs", "season", "horizon", "series": [...], "ranked": [...]}

Example:
  meridian simulate scenarios/shifting-demand.yaml --out out && meridian demand --results out/results.json`;

async function fromReceipts(url: string, group: string): Promise<DemandJson> {
  const target = `${url.replace(/\/+$/, '')}/v1/demand?group=${encodeURIComponent(group)}`;
  let res: Response;
  try {
    res = await fetch(target);
  } catch (e) {
    throw new UsageError(
      `${NAME}: --receipts ${url}: cannot reach the coordinator (${(e as Error).message})`,
    );
  }
  if (!res.ok) throw new UsageError(`${NAME}: --receipts ${url}: GET /v1/demand answered ${res.status}`);
  return checkDemand((await res.json()) as unknown, target, '');
}

/** "1,415.8 days" or "3.2 hours": a span of `ms` for a message. */
function spanText(ms: number): string {
  if (ms >= 2 * DAY_MS) return `${(ms / DAY_MS).toLocaleString('en-US', { maximumFractionDigits: 1 })} days`;
  return `${(ms / 3_600_000).toLocaleString('en-US', { maximumFractionDigits: 1 })} hours`;
}

/** Refuses a trace whose rows span more than MAX_DEMAND_BUCKETS buckets of `bucketS`, suggesting a bucket. */
function checkSpan(file: string, lastMs: number, bucketS: number): void {
  const buckets = bucketsSpanned(lastMs, bucketS * 1000);
  if (buckets <= MAX_DEMAND_BUCKETS) return;
  const n = (x: number) => x.toLocaleString('en-US');
  throw new InputError(file, [
    {
      path: 'TIMESTAMP',
      message: `the rows span ${spanText(lastMs)}: at --bucket ${bucketS} that is ${n(buckets)} buckets, more than the limit of ${n(MAX_DEMAND_BUCKETS)}; give --bucket ${smallestBucketS(lastMs, MAX_DEMAND_BUCKETS)} or more`,
    },
  ]);
}

function fromTrace(file: string, bucketS: number, io: Io): DemandJson {
  const warnings: InputIssue[] = [];
  const trace = parseTraceCsv(readTextFile(file, 'trace file'), file, 1, { warnings });
  for (const w of warnings) io.err(`warning: ${formatIssue(file, w)}`);
  const n = trace.offsetsMs.length;
  if (n > 0) checkSpan(file, trace.offsetsMs[n - 1]!, bucketS);
  const rec = new DemandRecorder(bucketS * 1000);
  for (let i = 0; i < trace.offsetsMs.length; i++)
    rec.record('trace', 'trace', trace.offsetsMs[i]!, {
      requests: 1,
      tokens: trace.input[i]! + trace.output[i]!,
      unmet: 0,
    });
  return rec.toJSON();
}

function fromResults(file: string, policy: string | undefined): DemandJson {
  let doc: unknown;
  try {
    doc = JSON.parse(readTextFile(file, 'results file'));
  } catch (e) {
    if (e instanceof SyntaxError)
      throw new InputError(file, [{ path: '', message: `not JSON (${e.message})` }]);
    throw e;
  }
  const policies = (doc as { policies?: Record<string, { demand?: unknown }> } | null)?.policies;
  if (policies === undefined || typeof policies !== 'object' || policies === null)
    throw new InputError(file, [
      { path: 'policies', message: 'missing: not a results.json of meridian simulate' },
    ]);
  const names = Object.keys(policies);
  const name = policy ?? names[0];
  if (name === undefined || policies[name] === undefined)
    throw new InputError(file, [
      {
        path: 'policies',
        message: `no policy ${policy ?? ''} (has ${names.join(', ') || 'none'})`,
        value: policy,
      },
    ]);
  return checkDemand(policies[name].demand, file, `policies.${name}.demand`);
}

/** The shape a demand document must have; anything else is bad input naming where. */
function checkDemand(d: unknown, source: string, path: string): DemandJson {
  const j = d as Partial<DemandJson> | undefined;
  const ok =
    j !== undefined &&
    j !== null &&
    typeof j.bucketMs === 'number' &&
    j.bucketMs > 0 &&
    Array.isArray(j.series) &&
    j.series.every((s) => typeof s?.place === 'string' && Array.isArray(s.requests));
  if (!ok)
    throw new InputError(source, [
      {
        path,
        message:
          'missing or not demand series ({bucketMs, originMs, series: [{place, model, requests, tokens, unmet}]})',
      },
    ]);
  return { ...(j as DemandJson), originMs: j.originMs ?? 0 };
}

function fmt(x: number): string {
  return x >= 100 ? String(Math.round(x)) : x.toFixed(1);
}

function render(r: DemandReport, top: number): string {
  const out: string[] = [];
  out.push(
    `${r.series.length} series, buckets of ${r.bucketMs / 1000} s, season ${r.season} buckets, forecast ${r.horizon} bucket(s) ahead (80% interval)`,
  );
  out.push('');
  out.push(
    renderTable(
      [
        { header: 'place' },
        { header: 'model' },
        { header: 'buckets', align: 'right' },
        { header: 'requests', align: 'right' },
        { header: 'tokens', align: 'right' },
        { header: 'unmet', align: 'right' },
        { header: 'last', align: 'right' },
        { header: `forecast +${r.horizon}`, align: 'right' },
        { header: '80% interval', align: 'right' },
        { header: 'growth', align: 'right' },
      ],
      r.series.map((s) => {
        const h = r.horizon - 1;
        return [
          s.place,
          s.model,
          s.buckets,
          s.requests,
          s.tokens,
          s.unmet,
          s.last,
          fmt(s.forecast.mean[h]!),
          `${fmt(s.forecast.lower[h]!)}–${fmt(s.forecast.upper[h]!)}`,
          s.growth
            ? `${s.growth.rate >= 0 ? '+' : ''}${Math.round(s.growth.rate * 100)}%/${s.growth.per}`
            : '-',
        ];
      }),
    ),
  );
  out.push('');
  out.push('growth, most surely growing first:');
  if (r.ranked.length === 0) out.push('  (too few buckets to tell: at least 3 are needed)');
  for (const [i, g] of r.ranked.slice(0, top).entries()) out.push(`  ${i + 1}. ${growthLine(g)}`);
  return out.join('\n');
}

type Source = 'receipts' | 'trace' | 'results';

/** Options that mean something with one source only. */
const ONLY_WITH: ReadonlyArray<[option: string, source: Source]> = [
  ['policy', 'results'],
  ['group', 'receipts'],
];

function source(args: Parsed): Source {
  const given = (['receipts', 'trace', 'results'] as const).filter((k) => str(args, k) !== undefined);
  if (given.length !== 1)
    throw new UsageError(
      `${NAME}: give exactly one of --receipts URL, --trace FILE, --results FILE${given.length > 1 ? ` (got ${given.map((g) => `--${g}`).join(', ')})` : ''}\nRun "meridian ${NAME} --help" for usage.`,
    );
  const kind = given[0]!;
  for (const [option, only] of ONLY_WITH)
    if (str(args, option) !== undefined && kind !== only)
      throw new UsageError(
        `${NAME}: --${option} applies only with --${only} (got --${kind})\nRun "meridian ${NAME} --help" for usage.`,
      );
  return kind;
}

/**
 * `--season`, when given: a whole number of buckets from 1 to half the longest series, since Holt-Winters
 * needs two seasons of data to fit one (fitHoltWinters drops a longer season silently).
 */
function seasonOption(args: Parsed, json: DemandJson): number | undefined {
  if (str(args, 'season') === undefined) return undefined;
  const season = num(args, NAME, 'season', 1, { min: 1, integer: true });
  const buckets = Math.max(0, ...json.series.map((s) => s.requests.length));
  const most = Math.max(1, Math.floor(buckets / 2));
  if (season > most)
    throw new UsageError(
      `${NAME}: --season ${season}: the series have ${buckets} bucket(s) of ${json.bucketMs / 1000} s and fitting a season takes two seasons of data, so at most ${most} here`,
    );
  return season;
}

export const demandCommand: Command = {
  name: NAME,
  help: HELP,
  options: {
    receipts: { type: 'string' },
    trace: { type: 'string' },
    results: { type: 'string' },
    policy: { type: 'string' },
    group: { type: 'string' },
    bucket: { type: 'string' },
    season: { type: 'string' },
    horizon: { type: 'string' },
    top: { type: 'string' },
  },
  async run(args, io) {
    const kind = source(args);
    const group = str(args, 'group') ?? 'region';
    if (group !== 'region' && group !== 'metro')
      throw new UsageError(`${NAME}: --group ${group}: expected region or metro`);
    const bucketArg =
      str(args, 'bucket') === undefined ? undefined : num(args, NAME, 'bucket', 0, { min: 1, integer: true });
    let json =
      kind === 'receipts'
        ? await fromReceipts(str(args, 'receipts')!, group)
        : kind === 'trace'
          ? fromTrace(str(args, 'trace')!, bucketArg ?? 10, io)
          : fromResults(str(args, 'results')!, str(args, 'policy'));
    if (bucketArg !== undefined && kind !== 'trace') {
      const factor = (bucketArg * 1000) / json.bucketMs;
      if (!Number.isInteger(factor))
        throw new UsageError(
          `${NAME}: --bucket ${bucketArg}: not a whole multiple of the source's ${json.bucketMs / 1000} s buckets`,
        );
      json = rebucket(json, factor);
    }
    const opts: { season?: number; horizon?: number } = {};
    const season = seasonOption(args, json);
    if (season !== undefined) opts.season = season;
    if (str(args, 'horizon') !== undefined)
      opts.horizon = num(args, NAME, 'horizon', 1, { min: 1, max: MAX_HORIZON, integer: true });
    const top = num(args, NAME, 'top', 10, { min: 1, integer: true });
    const report = demandReport(json, opts);
    io.out(args.values.json ? JSON.stringify(report) : render(report, top));
    return EXIT_OK;
  },
};
