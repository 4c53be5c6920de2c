import { columnsOf, tableLines } from '../util/text-table.js';
import type { TrafficSnapshot } from './traffic.js';

/** What the coordinator reports about one node (GET /v1/nodes), as far as the summary needs it. */
export interface NodeRow {
  id: string;
  metro: string;
  labels: Record<string, string>;
  slots: number;
  health: string;
  breaker: string;
  gatewayInFlight: number;
  telemetry: {
    inFlight: number;
    queue: number;
    models: { id: string; state: string; progress?: number }[];
  } | null;
  /** The gateway's learned speed against the catalog (decode factor 2 = twice as slow). */
  learned?: { prefillFactor: number; decodeFactor: number; samples: number } | null;
}

/** The gateway's prediction error, |estimate − realized| / realized (GET /v1/nodes `predictionError`). */
export interface PredictionErrorRow {
  count: number;
  firstMedian: number | null;
  recentMedian: number | null;
  recentP90: number | null;
}

export interface ModelRow {
  id: string;
  warm_replicas: number;
  loading_replicas: number;
  nodes: number;
}

function ms(v: number): string {
  return Number.isFinite(v) ? `${Math.round(v)} ms` : '—';
}

function pct(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(1)}%`;
}

function short(model: string): string {
  return model.replace(/-instruct$/, '').replace(/-it$/, '');
}

/** A process of the fleet that ended while the fleet runs: its name, exit code (or signal) and last line. */
export interface ExitedRow {
  name: string;
  code: number | string;
  said: string;
}

/** The last non-empty line of a process's output, at most 200 characters ('' when it said nothing). */
export function lastLine(text: string): string {
  const line = text.trimEnd().split('\n').at(-1)?.trim() ?? '';
  return line.length <= 200 ? line : `${line.slice(0, 197)}...`;
}

/** The live terminal summary: traffic, latency, load per node, warm models. Pure: data in, lines out. */
export function renderSummary(input: {
  url: string;
  uptimeS: number;
  windowS: number;
  traffic: TrafficSnapshot | undefined;
  nodes: NodeRow[];
  models: ModelRow[];
  predictionError?: PredictionErrorRow;
  exited?: readonly ExitedRow[];
}): string[] {
  const { traffic: t } = input;
  const lines = [
    `meridian fleet — gateway ${input.url}   (up ${Math.round(input.uptimeS)} s; Ctrl-C stops everything)`,
    `  try: curl ${input.url}/v1/chat/completions -H 'content-type: application/json' -d '{"model":"llama-3.1-8b-instruct","messages":[{"role":"user","content":"hi"}]}'`,
    '',
  ];
  if (t !== undefined) {
    const fails = [...t.failures.entries()].map(([s, n]) => `${s === 0 ? 'no answer' : s}×${n}`).join(' ');
    lines.push(
      `requests  sent ${t.sent}  ok ${t.ok}  failed ${t.failed}  in flight ${t.inFlight}   last ${input.windowS} s: ${t.rps.toFixed(1)}/s  p50 ${ms(t.p50)}  p95 ${ms(t.p95)}${fails ? `  failures ${fails}` : ''}`,
    );
  } else lines.push('requests  (no traffic generator)');
  const pe = input.predictionError;
  if (pe !== undefined && pe.count > 0)
    lines.push(
      `estimate  prediction error (|estimate − realized| / realized) over ${pe.count} served: first 10 median ${pct(pe.firstMedian)}  last 50 median ${pct(pe.recentMedian)}  p90 ${pct(pe.recentP90)}`,
    );
  for (const x of input.exited ?? [])
    lines.push(`exited    ${x.name} (${x.code})${x.said ? `: ${x.said}` : ''}`);
  lines.push('');
  const rows = input.nodes.map((n) => {
    const tel = n.telemetry;
    const load = tel === null ? '—' : `${tel.inFlight}/${n.slots}`;
    const warm = (tel?.models ?? [])
      .filter((m) => m.state === 'warm' || m.state === 'loading')
      .map((m) =>
        m.state === 'loading'
          ? `${short(m.id)} (loading ${Math.round((m.progress ?? 0) * 100)}%)`
          : short(m.id),
      )
      .join(', ');
    const health = n.breaker === 'closed' ? n.health : `${n.health}/${n.breaker}`;
    return [
      n.id,
      n.metro,
      n.labels.provider ?? '',
      health,
      load,
      String(tel?.queue ?? '—'),
      String(t?.byNode.get(n.id) ?? 0),
      n.learned && n.learned.samples > 0 ? `×${n.learned.decodeFactor.toFixed(2)}` : '—',
      warm,
    ];
  });
  lines.push(
    ...tableLines(
      columnsOf(
        ['node', 'metro', 'provider', 'health', 'load', 'queue', 'served', 'decode (learned)', 'warm models'],
        [5, 6, 7],
      ),
      rows,
    ),
  );
  lines.push('');
  lines.push(
    `models    ${input.models.map((m) => `${short(m.id)} warm ${m.warm_replicas}${m.loading_replicas ? ` (+${m.loading_replicas} loading)` : ''}`).join('  |  ')}`,
  );
  return lines;
}
