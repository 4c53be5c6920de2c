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
