import { emptyTerms, estimateTerms } from '../estimate/candidate.js';
import { TIER_GPU } from '../network/dynamics.js';
import type { NetworkView } from '../network/view.js';
import type { Receipt, ReceiptCandidate, Relaxation } from './decision.js';
import type { Policy } from './policy.js';
import type { RouteQuery } from './query.js';
import type { Scratch } from './scratch.js';

/** What the engine knows at the end of a decision, for its receipt. */
export interface ReceiptInput {
  view: NetworkView;
  q: RouteQuery;
  s: Scratch;
  policy: Policy;
  seed: number;
  considered: number;
  count: number;
  exhaustive: boolean;
  /** Chosen position in `s.cands`, or -1. */
  primary: number;
  fallbacks: readonly number[];
  hedge: boolean;
  verifiers: readonly number[];
  verifierMs: readonly number[];
  spotCheck: number;
  relaxations: readonly Relaxation[];
  deadline: Receipt['deadline']['outcome'];
  warnings: readonly string[];
  topN: number;
  timing: boolean;
}

/** `x` rounded to 0.1 (as a receipt shows ms); non-finite values as they are. */
export const r1 = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : x);

function describe(input: ReceiptInput, pos: number): ReceiptCandidate {
  const { view, q, s } = input;
  const t = view.topology;
  const i = s.cands[pos]!;
  const e = estimateTerms(view, q, i, emptyTerms());
  const provider = t.labels.dimIndex.get('provider');
  const code = provider === undefined ? -1 : t.labels.codes[provider]![i]!;
  return {
    node: t.ids[i]!,
    metro: t.metros.ids[t.nodeMetro[i]!]!,
    provider: code >= 0 && provider !== undefined ? t.labels.values[provider]![code] : undefined,
    warm: view.dyn.tier[i * t.models.count + q.model] === TIER_GPU,
    rttMs: r1(e.rttMs),
    queueMs: r1(e.queueMs),
    coldStartMs: r1(e.coldStartMs),
    serviceMs: r1(e.serviceMs),
    dataFetchMs: r1(e.dataFetchMs),
    estimateMs: r1(e.totalMs),
    uncertaintyMs: r1(e.uncertaintyMs),
    costMs: r1(s.costs[pos]!),
  };
}

/**
 * Positions of the `n` lowest of the first `count` costs, lowest first; equal costs in position order.
 * One pass keeping the best `n` in order: the receipt shows a handful of candidates, and sorting all of
 * them for it cost more than the decision.
 */
export function cheapest(costs: ArrayLike<number>, count: number, n: number): number[] {
  const out: number[] = [];
  if (n <= 0) return out;
  const before = (a: number, b: number) => costs[a]! < costs[b]! || (costs[a] === costs[b] && a < b);
  for (let p = 0; p < count; p++) {
    if (out.length === n && !before(p, out[n - 1]!)) continue;
    let k = out.length;
    if (k < n) out.push(p);
    else k = n - 1;
    for (; k > 0 && before(p, out[k - 1]!); k--) out[k] = out[k - 1]!;
    out[k] = p;
  }
  return out;
}

/**
 * The compact record of one decision: how many candidates were considered and filtered (by reason), the
 * top candidates by cost with every estimate term (the chosen node and fallbacks always included), what
 * was chosen, relaxations and the seed that replays it. Built only when asked for (off the hot path).
 */
export function buildReceipt(input: ReceiptInput): Receipt {
  const { view, q, s, policy } = input;
  const t = view.topology;
  const ids = t.ids;
  const req = q.request;
  const shown = cheapest(s.costs, input.count, input.topN);
  for (const p of [input.primary, ...input.fallbacks]) if (p >= 0 && !shown.includes(p)) shown.push(p);
  const filtered = Object.fromEntries(
    s.removedByReason(
      policy.filters.map((f) => f.filter.reason),
      policy.filters.map((f) => f.name),
    ),
  );
  const receipt: Receipt = {
    requestId: req?.id,
    policy: policy.name,
    seed: input.seed,
    model: req?.model ?? '',
    client: { metro: req?.client.metro, lat: q.client.lat, lon: q.client.lon },
    candidates: { considered: input.considered, afterFilters: input.count, exhaustive: input.exhaustive },
    filtered,
    top: input.count > 0 ? shown.map((p) => describe(input, p)) : [],
    chosen: input.primary >= 0 ? ids[s.cands[input.primary]!]! : null,
    fallbacks: input.fallbacks.map((p) => ids[s.cands[p]!]!),
    hedge: input.hedge && input.fallbacks.length > 0 ? ids[s.cands[input.fallbacks[0]!]!]! : null,
    verifiers: input.verifiers.map((v, k) => ({
      node: ids[v]!,
      metro: t.metros.ids[t.nodeMetro[v]!]!,
      latencyMs: r1(input.verifierMs[k]!),
    })),
    spotCheck: input.spotCheck >= 0 ? ids[input.spotCheck]! : null,
    relaxations: [...input.relaxations],
    deadline: { deadlineMs: Number.isFinite(q.deadlineMs) ? q.deadlineMs : null, outcome: input.deadline },
    warnings: [...input.warnings],
  };
  if (input.timing) {
    const names = [
      ...policy.filters.map((f) => `filter:${f.name}`),
      ...policy.scorers.map((x) => `scorer:${x.name}`),
      `picker:${policy.picker.name}`,
    ];
    receipt.timingUs = Object.fromEntries(names.map((n, k) => [n, r1(s.timing[k]! * 1000)]));
  }
  return receipt;
}
