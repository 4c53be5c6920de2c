import { CLAIMS, type Claim } from '../trust/reputation.js';
import { type LiarTable, NO_LIE } from './liars.js';
import { round3 } from './results.js';
import type { TrustState } from './trust-monitor.js';

/** results.json, per policy: what the router's trust checks caught, against the hidden liars. */
export interface TrustReport {
  liars: number;
  detected: number;
  /** Requests sent to a liar before its quarantine, over the detected liars. */
  detect_after_requests: { p50: number | null; max: number | null };
  /** Honest nodes (stragglers included) ever quarantined. */
  false_positives: number;
  /** Requests sent to liars after their quarantine (a policy without the `trusted` filter keeps sending). */
  requests_to_liars_after_detection: number;
  spot_checks: number;
  spot_check_mismatches: number;
  /** Per claim, the share of checks honest nodes failed: the p0 each sequential test assumes at most. */
  honest_contradiction_rate: Record<Claim, number | null>;
  by_liar: Array<{
    node: string;
    lie: string;
    rate: number;
    detected: boolean;
    reason: string | null;
    at_s: number | null;
    requests_before: number;
    requests_after: number;
    /** Checks of the claim the liar lies about, and how many it failed. */
    checks: number;
    contradicted: number;
  }>;
  flagged_honest: Array<{ node: string; reason: string; at_s: number | null }>;
  /** Honest nodes the ledger demoted at some point (a low score: the `demoted` scorer penalised them). */
  demoted_honest: Array<{ node: string; at_s: number | null }>;
  /**
   * Trust per operator at the end of the run (`TrustLedger.operators`), for every operator that runs a
   * liar or has a node quarantined or demoted then: its evidence-weighted score, nodes, how many stand
   * quarantined or demoted, and how many of its nodes are liars.
   */
  by_operator: Array<{
    id: string;
    score: number | null;
    nodes: number;
    quarantined: number;
    demoted: number;
    liars: number;
  }>;
}

const C = CLAIMS.length;

/** Counts the sends to each liar before and after the router quarantined it. */
export class TrustTally {
  private readonly before: Int32Array;
  private readonly after: Int32Array;

  constructor(
    private readonly liars: LiarTable,
    nodeCount: number,
  ) {
    this.before = new Int32Array(nodeCount);
    this.after = new Int32Array(nodeCount);
  }

  /** A request (primary, hedge, fallback or re-route) goes to node `n`. */
  send(n: number, state: TrustState | undefined): void {
    if (this.liars.lie[n] === NO_LIE) return;
    if (state === undefined || Number.isNaN(state.quarantinedAtMs[n]!)) this.before[n]!++;
    else this.after[n]!++;
  }

  /** The run's trust results; `endMs` is when the run ended (operator scores are taken then). */
  report(state: TrustState, ids: readonly string[], endMs: number): TrustReport {
    const lie = this.liars.lie;
    const byLiar = this.liars.list.map((l) => {
      const at = state.quarantinedAtMs[l.node]!;
      return {
        node: ids[l.node]!,
        lie: l.lie,
        rate: l.rate,
        detected: !Number.isNaN(at),
        reason: state.reason[l.node] || null,
        at_s: Number.isNaN(at) ? null : round3(at / 1000),
        requests_before: this.before[l.node]!,
        requests_after: this.after[l.node]!,
        checks: state.checks[l.node * C + CLAIMS.indexOf(l.lie)]!,
        contradicted: state.contradicted[l.node * C + CLAIMS.indexOf(l.lie)]!,
      };
    });
    const flagged: TrustReport['flagged_honest'] = [];
    const demoted: TrustReport['demoted_honest'] = [];
    const checks = new Float64Array(C);
    const contradicted = new Float64Array(C);
    for (let n = 0; n < ids.length; n++) {
      if (lie[n] !== NO_LIE) continue;
      for (let k = 0; k < C; k++) {
        checks[k]! += state.checks[n * C + k]!;
        contradicted[k]! += state.contradicted[n * C + k]!;
      }
      const at = state.quarantinedAtMs[n]!;
      if (!Number.isNaN(at))
        flagged.push({ node: ids[n]!, reason: state.reason[n]!, at_s: round3(at / 1000) });
      const demotedAt = state.demotedAtMs[n]!;
      if (!Number.isNaN(demotedAt)) demoted.push({ node: ids[n]!, at_s: round3(demotedAt / 1000) });
    }
    const delays = byLiar
      .filter((l) => l.detected)
      .map((l) => l.requests_before)
      .sort((a, b) => a - b);
    return {
      liars: byLiar.length,
      detected: delays.length,
      detect_after_requests: {
        p50: delays.length > 0 ? delays[(delays.length - 1) >> 1]! : null,
        max: delays.length > 0 ? delays[delays.length - 1]! : null,
      },
      false_positives: flagged.length,
      requests_to_liars_after_detection: byLiar.reduce((s, l) => s + l.requests_after, 0),
      spot_checks: state.spotChecks,
      spot_check_mismatches: state.mismatches,
      honest_contradiction_rate: Object.fromEntries(
        CLAIMS.map((c, k) => [c, checks[k]! > 0 ? round3(contradicted[k]! / checks[k]!) : null]),
      ) as Record<Claim, number | null>,
      by_liar: byLiar,
      flagged_honest: flagged,
      demoted_honest: demoted,
      by_operator: this.byOperator(state, ids, endMs),
    };
  }

  private byOperator(state: TrustState, ids: readonly string[], endMs: number): TrustReport['by_operator'] {
    const liarsOf = new Map<string, number>();
    const ops = state.ledger.operators(endMs);
    for (const l of this.liars.list) {
      const op = state.ledger.reputation.operatorOf(ids[l.node]!);
      if (op !== undefined) liarsOf.set(op, (liarsOf.get(op) ?? 0) + 1);
    }
    return ops
      .filter((o) => liarsOf.has(o.id) || o.quarantined > 0 || o.demoted > 0)
      .map((o) => ({ ...o, score: round3(o.score), liars: liarsOf.get(o.id) ?? 0 }));
  }
}
