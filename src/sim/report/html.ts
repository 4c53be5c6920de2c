import type { SimResults } from '../results.js';
import { esc, groupedBars, lineChart, PALETTE, type Series, stackedShares } from './svg.js';
import { comparisonRows } from './table.js';

const OTHER = '#cccccc';

function color(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

function htmlTable(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  if (!head) return '';
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const trs = body.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

function cdfChart(r: SimResults): string {
  const names = Object.keys(r.policies);
  const series: Series[] = names.map((n, i) => ({
    name: n,
    color: color(i),
    points: r.policies[n]!.e2e_cdf_ms.flatMap(
      (v, k): Array<[number, number]> => (v === null ? [] : [[Math.max(v, 1), k / 100]]),
    ),
  }));
  series.push({
    name: 'lower bound',
    color: '#000000',
    dashed: true,
    points: r.oracle.e2e_cdf_ms.flatMap(
      (v, k): Array<[number, number]> => (v === null ? [] : [[Math.max(v, 1), k / 100]]),
    ),
  });
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
  return groupedBars({
    title: 'p95 end-to-end latency per client region',
    categories: regions,
    series: names.map((n, i) => ({
      name: n,
      color: color(i),
      values: regions.map((g) => r.policies[n]!.by_region[g]?.p95 ?? null),
    })),
    yLabel: 'p95 end-to-end (ms)',
  });
}

function timelineChart(r: SimResults, key: 'load' | 'cold_starts', title: string, yLabel: string): string {
  const names = Object.keys(r.policies);
  const series: Series[] = names.map((n, i) => {
    const tl = r.policies[n]!.timeline;
    return {
      name: n,
      color: color(i),
      points: tl[key].map((v, k): [number, number] => [
        ((k + 1) * tl.bucket_s) / 60,
        key === 'load' ? v * 100 : v,
      ]),
    };
  });
  return lineChart({ title, series, xLabel: 'simulated time (min)', yLabel, yMin: 0 });
}

function providerChart(r: SimResults): string {
  const names = Object.keys(r.policies);
  const totals = new Map<string, number>();
  for (const n of names)
    for (const t of r.policies[n]!.traffic.provider.top)
      totals.set(t.value, (totals.get(t.value) ?? 0) + t.share);
  const top = [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 9)
    .map(([v]) => v);
  const parts = [...top.map((v, i) => ({ name: v, color: color(i) })), { name: 'other', color: OTHER }];
  const rows = names.map((n) => {
    const shares = top.map((v) => r.policies[n]!.traffic.provider.top.find((t) => t.value === v)?.share ?? 0);
    const rest = Math.max(0, 1 - shares.reduce((s, x) => s + x, 0));
    return { name: n, shares: [...shares, rest] };
  });
  return stackedShares({ title: 'Served-traffic share per provider', rows, parts });
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f5f5f5}.note{font-size:13px;color:#555;max-width:900px}
figure{margin:12px 0}`;

/** `report.html`: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) with the charts. */
export function reportHtml(r: SimResults): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>meridian simulation: ${esc(r.scenario)}</title><style>${STYLE}</style></head>
<body>
<h1>meridian simulation: ${esc(r.scenario)}</h1>
<p class="note">Seed ${r.seed}; ${r.duration_s} s simulated; ${r.nodes} nodes; ${r.models} models; ${r.client_metros} client metros; router view refreshed every ${r.staleness_ms} ms. Every policy saw the same arrivals, token counts and failures. ×LB is a policy's quantile divided by the same quantile of the clairvoyant lower bound.</p>
<h2>Comparison</h2>
${htmlTable(comparisonRows(r))}
<h2>Latency CDF per policy</h2>
<figure>${cdfChart(r)}</figure>
<h2>p95 latency per region</h2>
<figure>${regionChart(r)}</figure>
<h2>Load over time</h2>
<figure>${timelineChart(r, 'load', 'Busy slots over time', 'busy slots (% of all)')}</figure>
<h2>Cold starts over time</h2>
<figure>${timelineChart(r, 'cold_starts', 'Cold starts per bucket', 'cold starts per bucket')}</figure>
<h2>Served-traffic share per provider</h2>
<figure>${providerChart(r)}</figure>
</body></html>
`;
}
