import { api } from './net.js';

/**
 * The receipts panel: one gateway receipt (from `/ui/api/receipts/:id`, the same record as
 * `GET /v1/receipts/:id`), its estimate per term for the node that answered against the realized duration,
 * the fallbacks in order with what happened on each, and the verifiers chosen. A request naming a dataset
 * says so in the head line; its `data` term is what bringing the dataset to the node costs.
 */
interface Candidate {
  node: string;
  rttMs: number;
  queueMs: number;
  coldStartMs: number;
  serviceMs: number;
  dataFetchMs: number;
  estimateMs: number;
}
interface GatewayReceipt {
  id: string;
  status: number;
  node: string | null;
  durationMs: number;
  request: { model: string; dataset?: string };
  decision: {
    primary: string | null;
    fallbacks: string[];
    receipt?: { top?: Candidate[]; verifiers?: { node: string }[]; client?: { metro?: string } };
  };
  attempts: { nodeId: string; outcome: string }[];
}

const TERMS: [keyof Candidate, string][] = [
  ['rttMs', 'rtt'],
  ['queueMs', 'queue'],
  ['coldStartMs', 'cold start'],
  ['serviceMs', 'service'],
  ['dataFetchMs', 'data'],
  ['estimateMs', 'estimate'],
];

export async function showReceipt(out: HTMLElement, id: string): Promise<void> {
  const res = await api(`/ui/api/receipts/${encodeURIComponent(id)}`);
  const body = (await res.json()) as GatewayReceipt & { error?: { message: string } };
  out.replaceChildren();
  if (!res.ok) {
    out.textContent = body.error?.message ?? `error ${res.status}`;
    return;
  }
  const p = (text: string, testid: string) => {
    const el = document.createElement('p');
    el.textContent = text;
    el.dataset.testid = testid;
    out.appendChild(el);
    return el;
  };
  const served = body.node ?? body.decision.primary;
  p(
    `${body.id}: ${body.request.model}${body.request.dataset === undefined ? '' : ` on dataset ${body.request.dataset}`}, status ${body.status}, served by ${body.node ?? 'none'}`,
    'receipt-head',
  );
  const est = body.decision.receipt?.top?.find((c) => c.node === served);
  const rows: [string, number][] =
    est === undefined ? [] : TERMS.map(([k, label]) => [label, est[k] as number]);
  rows.push(['realized', body.durationMs]);
  const max = Math.max(1, ...rows.map(([, v]) => v));
  const bars = document.createElement('div');
  bars.className = 'bars';
  bars.dataset.testid = 'receipt-bars';
  for (const [label, v] of rows) {
    const row = document.createElement('div');
    row.className = `bar${label === 'realized' ? ' realized' : label === 'estimate' ? ' estimate' : ''}`;
    row.dataset.term = label;
    const name = document.createElement('span');
    name.textContent = label;
    const track = document.createElement('i');
    track.style.width = `${((100 * v) / max).toFixed(1)}%`;
    const num = document.createElement('b');
    num.textContent = `${v.toFixed(1)} ms`;
    row.append(name, track, num);
    bars.appendChild(row);
  }
  out.appendChild(bars);
  if (est === undefined) p(`no estimate for ${served ?? 'any node'} in the receipt`, 'receipt-noestimate');
  const outcome = (n: string) =>
    body.attempts
      .filter((a) => a.nodeId === n)
      .map((a) => a.outcome)
      .join('/') || 'not tried';
  p(
    `fallbacks: ${body.decision.fallbacks.map((f) => `${f} (${outcome(f)})`).join(', ') || 'none'}`,
    'receipt-fallbacks',
  );
  const verifiers = (body.decision.receipt?.verifiers ?? []).map((v) => v.node);
  p(`verifiers: ${verifiers.join(', ') || 'none'}`, 'receipt-verifiers');
}
