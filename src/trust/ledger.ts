import { Cusum, type CusumSpec } from './cusum.js';
import { CLAIMS, type Claim, Reputation, type ReputationOptions, type Standing } from './reputation.js';

/**
 * What a router knows about whether to believe a node: every check of one of its claims goes to a score
 * (beta reputation, reputation.ts: the mean of "its claims hold", for display and operator trust) and to
 * a sequential test per claim (cusum.ts: the quarantine decision). A test that alarms quarantines the
 * node for `holdMs`, naming the claim; afterwards the node is on probation — its tests start again from
 * zero, so it is back in quarantine after as few contradictions as the first time.
 *
 * The tests' priors (contradiction rates of honest nodes and of liars) are stated per claim in
 * `DEFAULT_TESTS`; docs/trust.md gives their run lengths (false alarms and detection delay).
 */
export const DEFAULT_TESTS: Readonly<Record<Claim, CusumSpec>> = {
  // "Starts at once" checks (warm model, free slot): honest nodes fail ≤ 2% of them (a model evicted
  // between the report and the request); a liar fails ≥ 30%. Three contradictions in a row alarm.
  warm: { p0: 0.02, p1: 0.3, h: 8 },
  queue: { p0: 0.02, p1: 0.3, h: 8 },
  // An answer more than 4× slower than the declared hardware, after 5 minutes of nothing but such answers
  // (trust/speed.ts): honest nodes get there only when two straggler episodes meet. Two alarm.
  speed: { p0: 0.01, p1: 0.5, h: 4.5 },
  // A round trip below the fibre floor of the claimed place is physics, not noise: one refutes.
  location: { p0: 0.01, p1: 0.5, h: 3.5 },
  // A deterministic re-execution that disagrees, with a third node siding against the node: two alarm.
  output: { p0: 0.01, p1: 0.5, h: 4.5 },
  // A chunk whose Merkle path misses the registered root cannot come from an honest copy (a corrupted disk
  // aside): two wrong answers alarm.
  data: { p0: 0.01, p1: 0.5, h: 4.5 },
};

export interface LedgerOptions {
  readonly tests?: Partial<Record<Claim, CusumSpec>>;
  readonly reputation?: ReputationOptions;
  /** How long a quarantine lasts, ms (default 1 hour). */
  readonly holdMs?: number;
}

/** A node's trust as the registry view and the receipt show it. */
export interface TrustMark {
  readonly quarantined: boolean;
  /** The claim whose test quarantined the node, e.g. "warm". */
  readonly reason?: string;
  /** Mean of the beta reputation, 0..1 (0.5 without evidence). */
  readonly score: number;
  /** quarantined (the claim's test alarmed), demoted (the score is low, `Reputation.of`) or trusted. */
  readonly standing: Standing;
  /** Why: checks of each claim the node failed, all time (claims never contradicted are left out). */
  readonly contradicted: Partial<Record<Claim, number>>;
}

/** An operator's trust as `GET /v1/nodes` and the simulator's results show it. */
export interface OperatorMark {
  readonly id: string;
  /** Evidence-weighted mean of its nodes' scores (`Reputation.operatorTrust`), 0.5 without evidence. */
  readonly score: number;
  readonly nodes: number;
  readonly quarantined: number;
  readonly demoted: number;
}

interface Quarantine {
  readonly sinceMs: number;
  readonly claim: Claim;
}

export class TrustLedger {
  readonly reputation: Reputation;
  private readonly tests: Record<Claim, Cusum>;
  private readonly held = new Map<string, Quarantine>();
  /** Per node: checks of each claim and how many held, `[claim × 2]` checks, `[claim × 2 + 1]` held. */
  private readonly perClaim = new Map<string, Float64Array>();
  private readonly holdMs: number;

  constructor(options: LedgerOptions = {}) {
    this.reputation = new Reputation(options.reputation);
    this.holdMs = options.holdMs ?? 3_600_000;
    const tests = {} as Record<Claim, Cusum>;
    for (const c of CLAIMS) tests[c] = new Cusum(options.tests?.[c] ?? DEFAULT_TESTS[c]);
    this.tests = tests;
  }

  /** One check of `claim` of `node` at `nowMs`; true when this check puts the node in quarantine. */
  record(node: string, claim: Claim, held: boolean, nowMs: number): boolean {
    this.reputation.record(node, claim, held, nowMs);
    let c = this.perClaim.get(node);
    if (c === undefined) this.perClaim.set(node, (c = new Float64Array(CLAIMS.length * 2)));
    const k = CLAIMS.indexOf(claim) * 2;
    c[k]!++;
    if (held) c[k + 1]!++;
    const alarm = this.tests[claim].step(node, !held);
    if (!alarm || this.isQuarantined(node, nowMs)) return false;
    this.held.set(node, { sinceMs: nowMs, claim });
    for (const c of CLAIMS) this.tests[c].reset(node);
    return true;
  }

  /**
   * Mean belief that `claim` of `node` holds, from that claim's checks alone: (1 + held) / (2 + checks),
   * 0.5 without any. Unlike the score (all claims together), hundreds of held warm checks do not vouch for
   * a node's outputs.
   */
  claimScore(node: string, claim: Claim): number {
    const c = this.perClaim.get(node);
    const k = CLAIMS.indexOf(claim) * 2;
    return c === undefined ? 0.5 : (1 + c[k + 1]!) / (2 + c[k]!);
  }

  /**
   * The test of `claim` of `node` stands above 0: a contradiction not yet outweighed by checks that held
   * (an honest node's lone contradiction takes about 6 held output checks to clear).
   */
  suspect(node: string, claim: Claim): boolean {
    return this.tests[claim].value(node) > 0;
  }

  /**
   * Whether any check of any claim of `node` ever failed. One that never failed stands `trusted` (its
   * tests never rose above 0 and its reputation holds no contradiction): callers asking the standing of
   * every node often may skip those (reading the standing also decays the node's reputation).
   */
  everContradicted(node: string): boolean {
    const c = this.perClaim.get(node);
    if (c === undefined) return false;
    for (let k = 0; k < c.length; k += 2) if (c[k]! > c[k + 1]!) return true;
    return false;
  }

  isQuarantined(node: string, nowMs: number): boolean {
    const q = this.held.get(node);
    if (q === undefined) return false;
    if (nowMs - q.sinceMs < this.holdMs) return true;
    this.held.delete(node);
    return false;
  }

  /**
   * Quarantined while the hold of an alarmed test lasts; otherwise demoted when the reputation says so
   * (its mean below 0.8 with a recent contradiction, or its own quarantine bound, which the tests did not
   * confirm), else trusted.
   */
  standing(node: string, nowMs: number): Standing {
    if (this.isQuarantined(node, nowMs)) return 'quarantined';
    return this.reputation.standingOf(node, nowMs) === 'trusted' ? 'trusted' : 'demoted';
  }

  /** Records which operator runs `node`, for `operators`. */
  setOperator(node: string, operator: string): void {
    this.reputation.setOperator(node, operator);
  }

  mark(node: string, nowMs: number): TrustMark {
    const score = this.reputation.of(node, nowMs).trust;
    const contradicted: Partial<Record<Claim, number>> = {};
    const c = this.perClaim.get(node);
    if (c !== undefined)
      CLAIMS.forEach((claim, k) => {
        const failed = c[k * 2]! - c[k * 2 + 1]!;
        if (failed > 0) contradicted[claim] = failed;
      });
    const standing = this.standing(node, nowMs);
    if (standing !== 'quarantined') return { quarantined: false, score, standing, contradicted };
    return { quarantined: true, reason: this.held.get(node)!.claim, score, standing, contradicted };
  }

  /** Each operator named by `setOperator`, by id: its score and how many of its nodes stand where. */
  operators(nowMs: number): OperatorMark[] {
    return this.reputation.operators(nowMs).map((o) => {
      let quarantined = 0;
      let demoted = 0;
      for (const n of o.nodes) {
        const s = this.standing(n, nowMs);
        if (s === 'quarantined') quarantined++;
        else if (s === 'demoted') demoted++;
      }
      return { id: o.operator, score: o.trust, nodes: o.nodes.length, quarantined, demoted };
    });
  }
}
