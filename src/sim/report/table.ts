import { columnsOf, renderTable } from '../../util/text-table.js';
import type { SimResults } from '../results.js';

/** A number for a table: thousands separators for counts, fixed decimals otherwise, "–" for nothing. */
export function fmt(x: number | null | undefined, decimals = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export const TABLE_HEADER = [
  'policy',
  'requests',
  'served',
  'lost',
  'shed',
  'no node',
  'cold starts',
  'waited cold',
  'e2e p50 ms',
  'e2e p95 ms',
  'e2e p99 ms',
  'ttft p50 ms',
  'ttft p95 ms',
  '×LB p50',
  '×LB p95',
  'SLO',
];

/** The comparison table printed by `meridian simulate`: one row per policy, then the lower bound. */
export function comparisonRows(results: SimResults): string[][] {
  const rows: string[][] = [TABLE_HEADER];
  for (const [name, p] of Object.entries(results.policies)) {
    rows.push([
      name,
      fmt(p.requests),
      fmt(p.served),
      fmt(p.lost),
      fmt(p.shed),
      fmt(p.failed),
      fmt(p.cold_starts),
      fmt(p.waited_on_cold_start),
      fmt(p.e2e_ms.p50),
      fmt(p.e2e_ms.p95),
      fmt(p.e2e_ms.p99),
      fmt(p.ttft_ms.p50),
      fmt(p.ttft_ms.p95),
      fmt(p.ratio_to_oracle.p50, 2),
      fmt(p.ratio_to_oracle.p95, 2),
      p.slo.attainment === null ? '–' : `${fmt(p.slo.attainment * 100, 1)}%`,
    ]);
  }
  const o = results.oracle;
  rows.push([
    'lower bound',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    fmt(o.e2e_ms.p50),
    fmt(o.e2e_ms.p95),
    fmt(o.e2e_ms.p99),
    fmt(o.ttft_ms.p50),
    fmt(o.ttft_ms.p95),
    '1.00',
    '1.00',
    '',
  ]);
  return rows;
}

/** The comparison table as text: the policy column left-aligned, the numbers right-aligned. */
export function comparisonTable(results: SimResults): string {
  const [header, ...rows] = comparisonRows(results);
  const numbers = header!.map((_, i) => i).slice(1);
  return renderTable(columnsOf(header!, numbers), rows);
}

/** p95 end-to-end latency (ms) per client region (rows) and policy (columns). */
export function regionRows(r: SimResults): string[][] {
  const names = Object.keys(r.policies);
  const regions = [...new Set(names.flatMap((n) => Object.keys(r.policies[n]!.by_region)))];
  return [
    ['region', ...names],
    ...regions.map((g) => [g, ...names.map((n) => fmt(r.policies[n]!.by_region[g]?.p95))]),
  ];
}

/** Served-traffic concentration per policy: top provider, HHI, Nakamoto coefficient, cost, utilisation. */
export function concentrationRows(r: SimResults): string[][] {
  const head = [
    'policy',
    'top provider',
    'share',
    'provider HHI',
    'Nakamoto 1/2',
    'operator HHI',
    'cost USD',
    'utilization',
  ];
  return [
    head,
    ...Object.entries(r.policies).map(([n, p]) => {
      const top = p.traffic.provider.top[0];
      return [
        n,
        top?.value ?? '–',
        top ? `${fmt(top.share * 100, 1)}%` : '–',
        fmt(p.traffic.provider.hhi, 3),
        fmt(p.traffic.provider.nakamoto['1/2']),
        fmt(p.traffic.operator.hhi, 3),
        fmt(p.cost_usd, 2),
        `${fmt(p.utilization * 100, 1)}%`,
      ];
    }),
  ];
}

/** How well each policy's router predicted completion times, and how busy it kept the slots. */
export function predictionRows(r: SimResults): string[][] {
  const pct = (x: number | null) => (x === null ? '–' : `${fmt(x * 100, 1)}%`);
  return [
    ['policy', 'error median', 'error p90', 'late median', 'late p90', 'utilization'],
    ...Object.entries(r.policies).map(([n, p]) => [
      n,
      pct(p.prediction_error.median),
      pct(p.prediction_error.p90),
      pct(p.prediction_error_late.median),
      pct(p.prediction_error_late.p90),
      pct(p.utilization),
    ]),
  ];
}

/** Failures, retries and independence of the fallbacks per policy. */
export function independenceRows(r: SimResults): string[][] {
  const head = [
    'policy',
    'lost',
    'retries',
    're-routes',
    'hedges',
    'decisions with fallback',
    'fully independent',
    'lost despite independent fallback',
    'verification p95 ms',
  ];
  return [
    head,
    ...Object.entries(r.policies).map(([n, p]) => [
      n,
      fmt(p.lost),
      fmt(p.retries),
      fmt(p.reroutes),
      fmt(p.hedges),
      fmt(p.independence.decisions_with_fallback),
      p.independence.fully_independent_share === null
        ? '–'
        : `${fmt(p.independence.fully_independent_share * 100, 1)}%`,
      fmt(p.independence.lost_with_independent_fallback),
      fmt(p.verification_ms.p95),
    ]),
  ];
}
