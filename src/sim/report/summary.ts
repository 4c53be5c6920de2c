import type { SimResults } from '../results.js';
import { comparisonRows, fmt } from './table.js';

function mdTable(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  if (!head) return '';
  const line = (r: readonly string[]) => `| ${r.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...body.map(line)].join('\n');
}

/** `summary.md`: the comparison, the lower bound's definition, and per-region, traffic and failure notes. */
export function summaryMarkdown(r: SimResults): string {
  const names = Object.keys(r.policies);
  const out: string[] = [];
  out.push(`# Simulation: ${r.scenario}`);
  out.push('');
  out.push(
    `Seed ${r.seed}, ${fmt(r.duration_s)} s simulated, ${fmt(r.nodes)} nodes, ${fmt(r.models)} models, ${fmt(r.client_metros)} client metros, router view refreshed every ${fmt(r.staleness_ms)} ms. Every policy saw the same arrivals, token counts and failures.`,
  );
  out.push('');
  out.push('## Comparison');
  out.push('');
  out.push(mdTable(comparisonRows(r)));
  out.push('');
  out.push(
    `×LB: the policy's quantile divided by the same quantile of the clairvoyant lower bound (per request: best node that is up, RTT + cold start from the initial placement + prefill + decode at batch 1, no queue). shed: refused by the router (no node can meet the deadline); no node: no node qualifies; lost: sent but never served, including requests still unfinished when the run stopped (end of arrivals + ${fmt(r.options.drain_s)} s). SLO: share of all requests served within their deadline (or the default target of ${fmt(r.options.slo_ms)} ms).`,
  );
  out.push('');
  out.push('## p95 end-to-end latency by region (ms)');
  out.push('');
  const regions = [...new Set(names.flatMap((n) => Object.keys(r.policies[n]!.by_region)))];
  out.push(
    mdTable([
      ['region', ...names],
      ...regions.map((g) => [g, ...names.map((n) => fmt(r.policies[n]!.by_region[g]?.p95))]),
    ]),
  );
  out.push('');
  out.push('## Served traffic concentration');
  out.push('');
  out.push(
    mdTable([
      [
        'policy',
        'top provider',
        'share',
        'provider HHI',
        'Nakamoto 1/2',
        'operator HHI',
        'cost USD',
        'utilisation',
      ],
      ...names.map((n) => {
        const p = r.policies[n]!;
        const top = p.traffic.provider.top[0];
        return [
          n,
          top?.value ?? '–',
          top ? `${fmt(top.share * 100, 1)}%` : '–',
          fmt(p.traffic.provider.hhi, 3),
          fmt(p.traffic.provider.nakamoto['1/2']),
          fmt(p.traffic.operator.hhi, 3),
          fmt(p.cost_usd, 2),
          `${fmt(p.utilisation * 100, 1)}%`,
        ];
      }),
    ]),
  );
  out.push('');
  out.push('## Failures, retries and independence');
  out.push('');
  out.push(
    mdTable([
      [
        'policy',
        'lost',
        'retries',
        're-routes',
        'hedges',
        'decisions with fallback',
        'fully independent',
        'lost despite independent fallback',
        'verification p95 ms',
      ],
      ...names.map((n) => {
        const p = r.policies[n]!;
        return [
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
        ];
      }),
    ]),
  );
  out.push('');
  return out.join('\n');
}
