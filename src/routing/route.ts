import { estimateTotalMs } from '../estimate/candidate.js';
import type { Request } from '../model/request.js';
import type { NetworkView } from '../network/view.js';
import type { Rng } from '../util/rng.js';
import { collectCandidates } from './candidates.js';
import { contextFor, NO_OPTIONS, type RouteContext, type RouteOptions } from './context.js';
import type { Receipt, Relaxation, RouteDecision, RouteErrorCode, RouteFailure } from './decision.js';
import { argmin, keepWithinDeadline, runFilters, runPicker, runScorers } from './engine.js';
import { chooseFallbacks, sharesMasked } from './independence.js';
import { loadAhead } from './load-ahead.js';
import type { Policy } from './policy.js';
import { compileQuery } from './query.js';
import { buildReceipt, type ReceiptInput, r1 } from './receipt.js';
import { placeVerifiers } from './verification.js';

export type { RouteOptions } from './context.js';

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * Decides where `request` runs: `route(request, view, policy, rng) → decision`. Pure apart from three
 * documented effects: it bumps `view.sent` for the chosen primary (and hedge), marks in `view.loadsAhead`
 * the second replica it asks for (if any), and draws one number from `rng` (the decision's seed;
 * everything else uses a generator seeded with it, so a receipt's seed replays the decision on the same
 * view). Never throws for a bad request or a failing plugin: those come
 * back as `ok: false` with a code and reason, or as warnings.
 *
 * The steps, each a function below: gather → filter, score, pick → deadline → fallbacks (independent,
 * relaxed in order when impossible) → sends, a second replica to load (when the profile asks) and
 * verifiers → finish (+ receipt when asked). When the bounded candidates leave nothing, or not enough
 * independent fallbacks while more capable nodes exist, it widens once to every capable node and starts
 * again from gather.
 */
export function route(
  request: Request,
  view: NetworkView,
  policy: Policy,
  rng: Rng,
  options: RouteOptions = NO_OPTIONS,
): RouteDecision {
  const c = contextFor(policy, view);
  c.begin(request, view, options.seed ?? rng.nextU32(), options);
  const err = compileQuery(c.q, request, view);
  if (err) return failed(c, err.code, err.message);
  c.capable = view.topology.capableCount(c.q.model);
  c.exhaustive = c.spec.candidates.mode === 'all';
  for (;;) {
    if (gatherAndFilter(c) === 0) {
      if (widen(c)) continue;
      return failed(c, 'no_candidates', noCandidateMessage(c));
    }
    scoreAndPick(c);
    if (!applyDeadline(c)) return failed(c, 'deadline', shedMessage(c));
    if (fallbacks(c) || !widen(c)) break;
  }
  sendAndVerify(c);
  return finish(c);
}

/** Gathers candidates (bounded by the profile, or every capable node) and runs the filters; returns the survivors. */
function gatherAndFilter(c: RouteContext): number {
  const { s, q } = c;
  s.reset();
  c.considered = collectCandidates(c.spec.candidates, c.exhaustive, c.view, q.model, q.anchorMetro, c.rng, s);
  c.count = runFilters(c.policy, c.view, q, s, c.considered, c.timed, s.warnings);
  return c.count;
}

/** Switches to every capable node when the bounded candidates missed some; false when already there. */
function widen(c: RouteContext): boolean {
  if (c.exhaustive || c.capable <= c.considered) return false;
  c.exhaustive = true;
  return true;
}

/** Scores the survivors, lets the picker choose the primary and estimates its completion time. */
function scoreAndPick(c: RouteContext): void {
  const { policy, view, q, s } = c;
  runScorers(policy, view, q, s, c.count, c.timed, s.warnings);
  c.primary = runPicker(policy, view, q, s, c.count, c.rng, c.timed, s.warnings);
  c.estimateMs = estimateTotalMs(view, q, s.cands[c.primary]!);
  c.deadline = 'none';
}

/**
 * Holds the primary to the request's deadline: re-picks among the candidates that meet it, or (none does)
 * takes the fastest under `best-effort`. Returns false when the profile sheds instead.
 */
function applyDeadline(c: RouteContext): boolean {
  const { view, q, s } = c;
  if (!(q.deadlineMs < Number.POSITIVE_INFINITY)) return true;
  if (c.estimateMs <= q.deadlineMs) {
    c.deadline = 'met';
    return true;
  }
  const met = keepWithinDeadline(view, q, s, c.count);
  if (met > 0) {
    c.primary = runPicker(c.policy, view, q, s, met, c.rng, c.timed, s.warnings);
    c.deadline = 'met';
  } else if (c.spec.deadline === 'shed') {
    return false;
  } else {
    c.primary = argmin(s.part, c.count);
    c.deadline = 'missed';
  }
  c.estimateMs = s.part[c.primary]!;
  return true;
}

/** Chooses the fallbacks; false when independent ones are short (worth widening the candidates for). */
function fallbacks(c: RouteContext): boolean {
  const { s, spec } = c;
  const independent = spec.fallbacks === 'independent';
  const complete = chooseFallbacks(
    c.view,
    c.q,
    s,
    c.count,
    c.primary,
    independent,
    spec.relax,
    s.fallbackPos,
    s.relaxations,
  );
  return complete || !independent;
}

/**
 * Counts the sends to the primary (and hedge) in the view, chooses a second replica to load (marked in
 * the view), places the verifiers and draws the spot check.
 */
function sendAndVerify(c: RouteContext): void {
  const { view, q, s, spec } = c;
  const node = s.cands[c.primary]!;
  if (spec.warmset.loadAhead) {
    c.ahead = loadAhead(view, q, s, c.count, c.primary, c.estimateMs, spec.warmset.loadAheadShare);
    if (c.ahead) view.loadsAhead[s.cands[c.ahead.pos]!] = q.model;
  }
  view.sent[node]!++;
  if (hedged(c)) view.sent[s.cands[s.fallbackPos[0]!]!]!++;
  placeVerifiers(view, q, node, spec.verification, s.verifyDims, s.verifiers, s.verifierMs, s.relaxations);
  const rate = spec.verification.spotCheckRate;
  c.spotCheck = rate > 0 && q.verifyMode >= 0 && c.rng.chance(rate) ? chooseSpotCheck(c) : -1;
}

function hedged(c: RouteContext): boolean {
  return c.q.hedge && c.s.fallbackPos.length > 0;
}

/** The decision (lists copied out of the scratch only when non-empty), with its receipt when asked. */
function finish(c: RouteContext): RouteDecision {
  const { s, policy } = c;
  const t = c.view.topology;
  const node = s.cands[c.primary]!;
  const hedge = hedged(c);
  const fallbackIndexes = s.fallbackPos.length > 0 ? fallbackNodes(c) : EMPTY;
  const fallbackIds = fallbackIndexes.length > 0 ? idsOf(t.ids, fallbackIndexes) : EMPTY;
  const decision: RouteDecision = {
    ok: true,
    requestId: c.request!.id,
    policy: policy.name,
    seed: c.seed,
    primary: t.ids[node]!,
    primaryIndex: node,
    fallbacks: fallbackIds,
    fallbackIndexes,
    hedge: hedge ? fallbackIds[0]! : null,
    verifiers: s.verifiers.length > 0 ? idsOf(t.ids, s.verifiers) : EMPTY,
    verifierIndexes: s.verifiers.length > 0 ? [...s.verifiers] : EMPTY,
    spotCheck: c.spotCheck >= 0 ? t.ids[c.spotCheck]! : null,
    estimateMs: c.estimateMs,
    deadline: c.deadline,
    relaxations: s.relaxations.length > 0 ? [...s.relaxations] : (EMPTY as readonly Relaxation[]),
    warnings: s.warnings.length > 0 ? [...s.warnings] : EMPTY,
  };
  if (c.ahead) {
    const i = s.cands[c.ahead.pos]!;
    decision.loadAhead = { node: t.ids[i]!, nodeIndex: i, waitMs: c.ahead.waitMs, loadMs: c.ahead.loadMs };
  }
  if (c.options.explain) {
    const receipt = okReceipt(c);
    const ahead = decision.loadAhead;
    if (ahead) receipt.loadAhead = { node: ahead.node, waitMs: r1(ahead.waitMs), loadMs: r1(ahead.loadMs) };
    decision.receipt = receipt;
  }
  return decision;
}

/** Node indexes of the chosen fallbacks, in order (a loop, not a `map` closure: this runs per decision). */
function fallbackNodes(c: RouteContext): number[] {
  const { fallbackPos, cands } = c.s;
  const out: number[] = [];
  for (let k = 0; k < fallbackPos.length; k++) out.push(cands[fallbackPos[k]!]!);
  return out;
}

/** The ids of node indexes `nodes`, in order. */
function idsOf(ids: readonly string[], nodes: readonly number[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < nodes.length; k++) out.push(ids[nodes[k]!]!);
  return out;
}

/** The receipt of a routed decision, showing the terms as they were before this decision's sends. */
function okReceipt(c: RouteContext): Receipt {
  const { view, s } = c;
  const node = s.cands[c.primary]!;
  const hedge = hedged(c);
  view.sent[node]!--;
  if (hedge) view.sent[s.cands[s.fallbackPos[0]!]!]!--;
  const receipt = buildReceipt(
    receiptInput(c, c.primary, s.fallbackPos, hedge, s.verifiers, s.verifierMs, c.spotCheck, c.deadline),
  );
  view.sent[node]!++;
  if (hedge) view.sent[s.cands[s.fallbackPos[0]!]!]!++;
  return receipt;
}

/** A failed decision (and its receipt when asked for). */
function failed(c: RouteContext, code: RouteErrorCode, message: string): RouteFailure {
  const s = c.s;
  const out: RouteFailure = {
    ok: false,
    requestId: c.request!.id,
    policy: c.policy.name,
    seed: c.seed,
    error: { code, message },
    warnings: s.warnings.length > 0 ? [...s.warnings] : EMPTY,
  };
  if (c.options.explain) {
    out.receipt = buildReceipt(
      receiptInput(c, -1, EMPTY, false, EMPTY, EMPTY, -1, code === 'deadline' ? 'shed' : 'none'),
    );
  }
  return out;
}

/**
 * What the receipt is built from: the fields every outcome shares and the chosen ones. One object literal
 * with every field (a spread of the shared fields into a second object cost more than the receipt's own
 * work on the gateway's path).
 */
function receiptInput(
  c: RouteContext,
  primary: number,
  fallbacks: readonly number[],
  hedge: boolean,
  verifiers: readonly number[],
  verifierMs: readonly number[],
  spotCheck: number,
  deadline: ReceiptInput['deadline'],
): ReceiptInput {
  const { s } = c;
  return {
    view: c.view,
    q: c.q,
    s,
    policy: c.policy,
    seed: c.seed,
    considered: c.considered,
    count: c.count,
    exhaustive: c.exhaustive,
    primary,
    fallbacks,
    hedge,
    verifiers,
    verifierMs,
    spotCheck,
    relaxations: s.relaxations,
    deadline,
    warnings: s.warnings,
    topN: c.options.topN ?? 5,
    timing: c.timed,
  };
}

/** The cheapest scored candidate (not the primary) independent of the primary on the verification dimensions, or -1. */
function chooseSpotCheck(c: RouteContext): number {
  const { view, s } = c;
  const dims = s.verifyDims;
  const mask = (1 << dims.length) - 1;
  const exec = s.cands[c.primary]!;
  let best = -1;
  for (let k = 0; k < c.count; k++) {
    if (k === c.primary) continue;
    if (best >= 0 && s.costs[k]! >= s.costs[best]!) continue;
    if (sharesMasked(view, dims, dims.length, mask, s.cands[k]!, exec)) continue;
    best = k;
  }
  if (best < 0) {
    s.relaxations.push({
      slot: 'spot check',
      dropped: [],
      reason: 'no scored candidate is independent of the executor',
    });
    return -1;
  }
  return s.cands[best]!;
}

function noCandidateMessage(c: RouteContext): string {
  const { policy, s } = c;
  const model = c.request!.model;
  if (c.capable === 0) return `no node in this network can run model "${model}" (no capable node)`;
  const reasons = [
    ...s.removedByReason(
      policy.filters.map((f) => f.filter.reason),
      policy.filters.map((f) => f.name),
    ),
  ]
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  return `no node qualifies for model "${model}": ${c.considered} of ${c.capable} capable nodes considered (${reasons})`;
}

function shedMessage(c: RouteContext): string {
  const { s } = c;
  const best = argmin(s.part, c.count);
  return `no candidate can meet the ${c.q.deadlineMs} ms deadline: the best estimate is ${Math.round(s.part[best]!)} ms (node ${c.view.topology.ids[s.cands[best]!]})`;
}
