import { estimateTotalMs } from '../estimate/candidate.js';
import type { Request } from '../model/request.js';
import type { NetworkView } from '../network/view.js';
import { Rng } from '../util/rng.js';
import { collectCandidates } from './candidates.js';
import type { Relaxation, RouteDecision, RouteErrorCode, RouteFailure } from './decision.js';
import { argmin, keepWithinDeadline, runFilters, runPicker, runScorers } from './engine.js';
import { chooseFallbacks, sharesMasked } from './independence.js';
import type { Policy } from './policy.js';
import { compileQuery } from './query.js';
import { buildReceipt } from './receipt.js';
import { Scratch } from './scratch.js';
import { placeVerifiers } from './verification.js';

export interface RouteOptions {
  /** Build the receipt (off the hot path otherwise). */
  explain?: boolean;
  /** Time each plugin (reported in the receipt). */
  timing?: boolean;
  /** Candidates listed in the receipt (default 5; the chosen ones are always listed). */
  topN?: number;
  /** Decide with this seed instead of drawing one from `rng` (to replay a receipt). */
  seed?: number;
}

const EMPTY: readonly never[] = Object.freeze([]);
const scratches = new WeakMap<Policy, Scratch>();

function scratchFor(policy: Policy, view: NetworkView): Scratch {
  let s = scratches.get(policy);
  if (!s || s.topology !== view.topology) {
    const plugins = policy.filters.length + policy.scorers.length + 1;
    s = new Scratch(
      view.topology,
      policy.filters.length,
      plugins,
      policy.spec.estimate,
      policy.spec.verification.dimensions,
    );
    scratches.set(policy, s);
  }
  return s;
}

/**
 * Decides where `request` runs: `route(request, view, policy, rng) → decision`. Pure apart from two
 * documented effects: it bumps `view.sent` for the chosen primary (and hedge), and draws one number from
 * `rng` (the decision's seed; everything else uses a generator seeded with it, so a receipt's seed
 * replays the decision on the same view). Never throws for a bad request or a failing plugin: those come
 * back as `ok: false` with a code and reason, or as warnings.
 *
 * Pipeline: compile the request → gather candidates (bounded by the profile) → filters → scorers (costs
 * in ms) → picker → deadline check → fallbacks (independent, relaxed in order when impossible) → bump
 * in-flight → verifiers and spot check → decision (+ receipt when asked). When the bounded candidates
 * leave nothing, or not enough independent fallbacks while more capable nodes exist, it retries once over
 * every capable node.
 */
export function route(
  request: Request,
  view: NetworkView,
  policy: Policy,
  rng: Rng,
  options: RouteOptions = {},
): RouteDecision {
  const seed = options.seed ?? rng.nextU32();
  const r = new Rng(seed);
  const s = scratchFor(policy, view);
  s.reset();
  const timed = options.timing === true;
  if (timed) s.timing.fill(0);
  const q = s.query;
  const spec = policy.spec;
  const err = compileQuery(q, request, view);
  if (err) return failed(request, view, policy, options, s, seed, err.code, err.message, 0, 0, false);

  const capable = view.topology.capableCount(q.model);
  let exhaustive = spec.candidates.mode === 'all';
  let considered = 0;
  let count = 0;
  let primary = -1;
  let estimateMs = 0;
  let deadline: 'none' | 'met' | 'missed' = 'none';
  for (;;) {
    s.reset();
    considered = collectCandidates(spec.candidates, exhaustive, view, q.model, q.anchorMetro, r, s);
    count = runFilters(policy, view, q, s, considered, timed, s.warnings);
    if (count === 0) {
      if (!exhaustive && capable > considered) {
        exhaustive = true;
        continue;
      }
      const message = noCandidateMessage(request.model, capable, considered, s, policy);
      return failed(
        request,
        view,
        policy,
        options,
        s,
        seed,
        'no_candidates',
        message,
        considered,
        0,
        exhaustive,
      );
    }
    runScorers(policy, view, q, s, count, timed, s.warnings);
    primary = runPicker(policy, view, q, s, count, r, timed, s.warnings);
    estimateMs = estimateTotalMs(view, q, s.cands[primary]!);
    deadline = 'none';
    if (q.deadlineMs < Number.POSITIVE_INFINITY) {
      if (estimateMs <= q.deadlineMs) deadline = 'met';
      else {
        const met = keepWithinDeadline(view, q, s, count);
        if (met > 0) {
          primary = runPicker(policy, view, q, s, met, r, timed, s.warnings);
          deadline = 'met';
        } else if (spec.deadline === 'shed') {
          const best = argmin(s.part, count);
          const message = `no candidate can meet the ${q.deadlineMs} ms deadline: the best estimate is ${Math.round(s.part[best]!)} ms (node ${view.topology.ids[s.cands[best]!]})`;
          return failed(
            request,
            view,
            policy,
            options,
            s,
            seed,
            'deadline',
            message,
            considered,
            count,
            exhaustive,
          );
        } else {
          primary = argmin(s.part, count);
          deadline = 'missed';
        }
        estimateMs = s.part[primary]!;
      }
    }
    const complete = chooseFallbacks(
      view,
      q,
      s,
      count,
      primary,
      spec.fallbacks === 'independent',
      spec.relax,
      s.fallbackPos,
      s.relaxations,
    );
    if (!complete && spec.fallbacks === 'independent' && !exhaustive && capable > considered) {
      exhaustive = true;
      continue;
    }
    break;
  }

  const t = view.topology;
  const node = s.cands[primary]!;
  view.sent[node]!++;
  const hedge = q.hedge && s.fallbackPos.length > 0;
  if (hedge) view.sent[s.cands[s.fallbackPos[0]!]!]!++;
  placeVerifiers(view, q, node, spec.verification, s.verifyDims, s.verifiers, s.verifierMs, s.relaxations);
  const spotCheck =
    spec.verification.spotCheckRate > 0 && q.verifyMode >= 0 && r.chance(spec.verification.spotCheckRate)
      ? chooseSpotCheck(view, s, count, primary)
      : -1;

  const fallbackIds = s.fallbackPos.length > 0 ? s.fallbackPos.map((p) => t.ids[s.cands[p]!]!) : EMPTY;
  const decision: RouteDecision = {
    ok: true,
    requestId: request.id,
    policy: policy.name,
    seed,
    primary: t.ids[node]!,
    primaryIndex: node,
    fallbacks: fallbackIds,
    fallbackIndexes: s.fallbackPos.length > 0 ? s.fallbackPos.map((p) => s.cands[p]!) : EMPTY,
    hedge: hedge ? fallbackIds[0]! : null,
    verifiers: s.verifiers.length > 0 ? s.verifiers.map((v) => t.ids[v]!) : EMPTY,
    verifierIndexes: s.verifiers.length > 0 ? [...s.verifiers] : EMPTY,
    spotCheck: spotCheck >= 0 ? t.ids[spotCheck]! : null,
    estimateMs,
    deadline,
    relaxations: s.relaxations.length > 0 ? [...s.relaxations] : (EMPTY as readonly Relaxation[]),
    warnings: s.warnings.length > 0 ? [...s.warnings] : EMPTY,
  };
  if (options.explain) {
    // The receipt shows the terms as they were when the decision was taken, before this decision's sends.
    view.sent[node]!--;
    if (hedge) view.sent[s.cands[s.fallbackPos[0]!]!]!--;
    decision.receipt = buildReceipt({
      view,
      q,
      s,
      policy,
      seed,
      considered,
      count,
      exhaustive,
      primary,
      fallbacks: s.fallbackPos,
      hedge,
      verifiers: s.verifiers,
      verifierMs: s.verifierMs,
      spotCheck,
      relaxations: s.relaxations,
      deadline,
      warnings: s.warnings,
      topN: options.topN ?? 5,
      timing: timed,
    });
    view.sent[node]!++;
    if (hedge) view.sent[s.cands[s.fallbackPos[0]!]!]!++;
  }
  return decision;
}

/** A failed decision (and its receipt when asked for). */
function failed(
  request: Request,
  view: NetworkView,
  policy: Policy,
  options: RouteOptions,
  s: Scratch,
  seed: number,
  code: RouteErrorCode,
  message: string,
  considered: number,
  count: number,
  exhaustive: boolean,
): RouteFailure {
  const out: RouteFailure = {
    ok: false,
    requestId: request.id,
    policy: policy.name,
    seed,
    error: { code, message },
    warnings: s.warnings.length > 0 ? [...s.warnings] : EMPTY,
  };
  if (options.explain) {
    out.receipt = buildReceipt({
      view,
      q: s.query,
      s,
      policy,
      seed,
      considered,
      count,
      exhaustive,
      primary: -1,
      fallbacks: EMPTY,
      hedge: false,
      verifiers: EMPTY,
      verifierMs: EMPTY,
      spotCheck: -1,
      relaxations: s.relaxations,
      deadline: code === 'deadline' ? 'shed' : 'none',
      warnings: s.warnings,
      topN: options.topN ?? 5,
      timing: options.timing === true,
    });
  }
  return out;
}

/** The cheapest scored candidate (not the primary) independent of the primary on the verification dimensions, or -1. */
function chooseSpotCheck(view: NetworkView, s: Scratch, count: number, primary: number): number {
  const dims = s.verifyDims;
  const mask = (1 << dims.length) - 1;
  const exec = s.cands[primary]!;
  let best = -1;
  for (let k = 0; k < count; k++) {
    if (k === primary) continue;
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

function noCandidateMessage(
  model: string,
  capable: number,
  considered: number,
  s: Scratch,
  policy: Policy,
): string {
  if (capable === 0) return `no node in this network can run model "${model}" (no capable node)`;
  const reasons = [
    ...s.removedByReason(
      policy.filters.map((f) => f.filter.reason),
      policy.filters.map((f) => f.name),
    ),
  ]
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  return `no node qualifies for model "${model}": ${considered} of ${capable} capable nodes considered (${reasons})`;
}
