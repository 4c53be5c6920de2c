import type { SimResults } from '../results.js';
import { LOWER_BOUND_COLOR, OTHER_COLOR, PART_COLORS, policyColor, wantsLogScale } from './colors.js';
import { type Band, esc, groupedBars, lineChart, type Series, stackedShares } from './svg.js';
import { comparisonRows, concentrationRows, independenceRows, predictionRows, regionRows } from './table.js';

/** The policy drawn last (on top of the others and of the lower bound), with a wider line. */
const HIGHLIGHT = 'meridian';

function htmlTable(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  if (!head) return '';
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const trs = body.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

/** Policy names in drawing order: meridian last, so its line is never hidden. */
function drawOrder(names: readonly string[]): string[] {
  return [...names.filter((n) => n !== HIGHLIGHT), ...names.filter((n) => n === HIGHLIGHT)];
}

function policySeries(name: string, points: Array<[number, number]>): Series {
  return { name, color: policyColor(name), points, ...(name === HIGHLIGHT ? { width: 3 } : {}) };
}

function cdfChart(r: SimResults): string {
  const cdf = (values: ReadonlyArray<number | null>) =>
    values.flatMap((v, k): Array<[number, number]> => (v === null ? [] : [[Math.max(v, 1), k / 100]]));
  // The lower bound is drawn first (thin, dashed, black), the policies over it.
  const series: Series[] = [
    {
      name: 'lower bound',
      color: LOWER_BOUND_COLOR,
      dashed: true,
      width: 1.5,
      points: cdf(r.oracle.e2e_cdf_ms),
    },
    ...drawOrder(Object.keys(r.policies)).map((n) => policySeries(n, cdf(r.policies[n]!.e2e_cdf_ms))),
  ];
  return lineChart({
    title: 'End-to-end latency CDF per policy',
    series,
    xLabel: 'end-to-end latency (ms, log scale)',
    yLabel: 'share of served requests',
    xLog: true,
    yMin: 0,
    yMax: 1,
    yFormat: (v) => `${Math.round(v * 100)}%`,
  });
}

function regionChart(r: SimResults): string {
  const names = Object.keys(r.policies);
  const regions = [...new Set(names.flatMap((n) => Object.keys(r.policies[n]!.by_region)))];
  const series = names.map((n) => ({
    name: n,
    color: policyColor(n),
    values: regions.map((g) => r.policies[n]!.by_region[g]?.p95 ?? null),
  }));
  const log = wantsLogScale(series.flatMap((s) => s.values));
  return groupedBars({
    title: 'p95 end-to-end latency per client region',
    categories: regions,
    series,
    yLabel: log ? 'p95 end-to-end (ms, log scale)' : 'p95 end-to-end (ms)',
    yLog: log,
  });
}

/** Outages and bursts as shaded spans in minutes. */
function eventBands(r: SimResults): Band[] {
  return r.events.map((e) => ({
    kind: e.kind,
    from: e.at_s / 60,
    to: (e.at_s + e.duration_s) / 60,
    label: `${e.kind} (${e.field})`,
  }));
}

function timelineChart(r: SimResults, key: 'load' | 'cold_starts', title: string): string {
  const names = drawOrder(Object.keys(r.policies));
  const bucketS = r.policies[names[0] ?? '']?.timeline.bucket_s ?? 0;
  const series: Series[] = names.map((n) => {
    const tl = r.policies[n]!.timeline;
    return policySeries(
      n,
      tl[key].map((v, k): [number, number] => [((k + 1) * tl.bucket_s) / 60, key === 'load' ? v * 100 : v]),
    );
  });
  // One policy dwarfing the others is judged on each policy's peak.
  const log = wantsLogScale(series.map((s) => Math.max(0, ...s.points.map((p) => p[1]))));
  const bucket = `${Number(bucketS.toFixed(3))} s`;
  const yLabel =
    key === 'load'
      ? `busy slots, % (end of each ${bucket} bucket${log ? ', log' : ''})`
      : `cold starts per ${bucket} bucket${log ? ' (log scale)' : ''}`;
  return lineChart({
    title,
    series,
    xLabel: `simulated time (min; one point per ${bucket} bucket)`,
    yLabel,
    yMin: 0,
    yLog: log,
    bands: eventBands(r),
  });
}

/** Mean prediction error per bucket, per policy (buckets with nothing served are skipped). */
function predictionChart(r: SimResults): string {
  const names = drawOrder(Object.keys(r.policies));
  const series: Series[] = names.map((n) => {
    const tl = r.policies[n]!.timeline;
    const points: Array<[number, number]> = [];
    tl.prediction_error.forEach((v, k) => {
      if (v !== null) points.push([((k + 1) * tl.bucket_s) / 60, v * 100]);
    });
    return policySeries(n, points);
  });
  const log = wantsLogScale(series.map((s) => Math.max(0, ...s.points.map((p) => p[1]))));
  return lineChart({
    title: 'Prediction error over time',
    series,
    xLabel: 'simulated time (min)',
    yLabel: `mean |estimate − realized| ÷ realized, %${log ? ' (log scale)' : ''}`,
    yMin: 0,
    yLog: log,
    bands: eventBands(r),
  });
}

function providerChart(r: SimResults): string {
  const names = Object.keys(r.policies);
  const totals = new Map<string, number>();
  for (const n of names)
    for (const t of r.policies[n]!.traffic.provider.top)
      totals.set(t.value, (totals.get(t.value) ?? 0) + t.share);
  const top = [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, PART_COLORS.length)
    .map(([v]) => v);
  const parts = [
    ...top.map((v, i) => ({ name: v, color: PART_COLORS[i]! })),
    { name: 'other', color: OTHER_COLOR },
  ];
  const rows = names.map((n) => {
    const shares = top.map((v) => r.policies[n]!.traffic.provider.top.find((t) => t.value === v)?.share ?? 0);
    const rest = Math.max(0, 1 - shares.reduce((s, x) => s + x, 0));
    return { name: n, shares: [...shares, rest] };
  });
  return stackedShares({ title: 'Served-traffic share per provider', rows, parts });
}

function warnings(r: SimResults): string {
  if (r.warnings.length === 0) return '';
  return `<h2>Warnings</h2><ul class="note">${r.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f5f5f5}.note{font-size:13px;color:#555;max-width:900px}
figure{margin:12px 0}`;

/** `report.html`: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) with the charts. */
export function reportHtml(r: SimResults, maps = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>meridian simulation: ${esc(r.scenario)}</title><style>${STYLE}</style></head>
<body>
<h1>meridian simulation: ${esc(r.scenario)}</h1>
<p class="note">Seed ${r.seed}; ${r.duration_s} s simulated; ${r.nodes} nodes; ${r.models} models; ${r.client_metros} client metros; router view refreshed every ${r.staleness_ms} ms. Every policy saw the same arrivals, token counts and failures. ×LB is a policy's quantile divided by the same quantile of the clairvoyant lower bound. Each policy has one colour in every chart; the lower bound is the dashed black line; shaded spans on time charts are outages (grey) and bursts (amber).</p>
${warnings(r)}
<h2>Comparison</h2>
${htmlTable(comparisonRows(r))}
${maps}
<h2>Latency CDF per policy</h2>
<figure>${cdfChart(r)}</figure>
<h2>p95 latency per region</h2>
<figure>${regionChart(r)}</figure>
${htmlTable(regionRows(r))}
<h2>Load over time</h2>
<figure>${timelineChart(r, 'load', 'Busy slots over time')}</figure>
<h2>Cold starts over time</h2>
<figure>${timelineChart(r, 'cold_starts', 'Cold starts per bucket')}</figure>
<h2>Prediction error over time</h2>
<figure>${predictionChart(r)}</figure>
${htmlTable(predictionRows(r))}
<h2>Served-traffic share per provider</h2>
<figure>${providerChart(r)}</figure>
<h2>Served traffic concentration</h2>
${htmlTable(concentrationRows(r))}
<h2>Failures, retries and independence</h2>
${htmlTable(independenceRows(r))}
</body></html>
`;
}
