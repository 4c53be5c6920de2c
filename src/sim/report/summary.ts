import type { SimResults } from '../results.js';
import {
  comparisonRows,
  concentrationRows,
  fmt,
  independenceRows,
  predictionRows,
  regionRows,
} from './table.js';

function mdTable(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  if (!head) return '';
  const line = (r: readonly string[]) => `| ${r.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...body.map(line)].join('\n');
}

/** `summary.md`: the comparison, the lower bound's definition, and per-region, traffic and failure notes. */
export function summaryMarkdown(r: SimResults): string {
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
  out.push('## Prediction error and utilization');
  out.push('');
  out.push(mdTable(predictionRows(r)));
  out.push('');
  out.push(
    'Prediction error: |estimate − realized| ÷ realized completion time of served requests, from the decision that sent them (late: those completed in the second half of the run). Utilization: mean busy fraction of the inference slots.',
  );
  out.push('');
  out.push('## p95 end-to-end latency by region (ms)');
  out.push('');
  out.push(mdTable(regionRows(r)));
  out.push('');
  out.push('## Served traffic concentration');
  out.push('');
  out.push(mdTable(concentrationRows(r)));
  out.push('');
  out.push('## Failures, retries and independence');
  out.push('');
  out.push(mdTable(independenceRows(r)));
  if (r.warnings.length > 0) {
    out.push('');
    out.push('## Warnings');
    out.push('');
    for (const w of r.warnings) out.push(`- ${w}`);
  }
  out.push('');
  return out.join('\n');
}
