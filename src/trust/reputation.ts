/**
 * Trust per node, from evidence: beta reputation (Jøsang & Ismail, 2002) with forgetting. Each piece of
 * evidence is a check of one *claim* the node made — it said the model was warm, its queue was short,
 * it is this fast, it is here, this is the output — that held (`agree`) or was contradicted
 * (`contradict`), with a weight. Trust is the posterior mean of "the node's claims hold",
 * (1 + agree) / (2 + agree + contradict), both counts decaying with half-life `halfLifeMs`.
 *
 * Slow is not lying: a straggler's slowness is learned as a speed factor (learn/node-speed.ts) and is
 * never evidence here. Only a contradiction of something the node *said* counts: claiming warm and
 * answering with a first byte only a cold load explains, claiming an empty queue and making requests
 * wait, claiming a speed it then misses by more than the learned noise, claiming a place its round trips
 * rule out, returning an output an independent verifier disagrees with.
 *
 * Decisions, from the posterior: a node is *quarantined* when the upper end of the 95% interval of its
 * claims holding is below `quarantineBelow` (surely mostly lying) — at least a few contradictions are
 * needed; it is *demoted* when the mean is below `demoteBelow` and at least half a contradiction is left
 * after decay (`DEMOTE_MIN_CONTRADICTIONS`: one within the last half-life, so a node nobody checks since
 * is not demoted for ever by the prior); it is released as agreeing evidence accumulates and old
 * contradictions decay. Operator trust is the evidence-weighted mean over the
 * operator's nodes, so one operator's many honest nodes cannot launder one liar, and one liar drags an
 * operator down in proportion to what it was seen doing.
 */
export const CLAIMS = ['warm', 'queue', 'speed', 'location', 'output', 'data'] as const;
export type Claim = (typeof CLAIMS)[number];

export interface ReputationOptions {
  /** Evidence loses half its weight in this time (default 1 hour). */
  readonly halfLifeMs?: number;
  /** Quarantine when the 95% upper bound of the claims-hold probability is below this (default 0.5). */
  readonly quarantineBelow?: number;
  /** Demote when the mean is below this (default 0.8). */
  readonly demoteBelow?: number;
}

export type Standing = 'trusted' | 'demoted' | 'quarantined';

/** Decayed contradictions below this never demote: one contradiction older than a half-life is history. */
export const DEMOTE_MIN_CONTRADICTIONS = 0.5;

/** An operator's trust: the evidence-weighted mean over its nodes (`Reputation.operatorTrust`). */
export interface OperatorScore {
  readonly operator: string;
  readonly trust: number;
  /** Nodes known to run under the operator (with evidence or not). */
  readonly nodes: readonly string[];
}

export interface NodeTrust {
  readonly trust: number;
  readonly standing: Standing;
  /** Decayed contradictions per claim kind, for "why". */
  readonly contradictions: Readonly<Record<Claim, number>>;
  readonly agreements: number;
}

interface Counts {
  agree: number;
  contradict: Float64Array;
  atMs: number;
}

/** Mean of the Beta(1 + agreements, 1 + contradictions) belief that the node's claims hold. */
function trustFrom(agree: number, bad: number): number {
  const a = 1 + agree;
  const b = 1 + bad;
  return a / (a + b);
}

export class Reputation {
  private readonly byNode = new Map<string, Counts>();
  private readonly operatorByNode = new Map<string, string>();
  private readonly halfLifeMs: number;
  private readonly quarantineBelow: number;
  private readonly demoteBelow: number;

  constructor(options: ReputationOptions = {}) {
    this.halfLifeMs = options.halfLifeMs ?? 3_600_000;
    this.quarantineBelow = options.quarantineBelow ?? 0.5;
    this.demoteBelow = options.demoteBelow ?? 0.8;
  }

  private counts(node: string, nowMs: number): Counts {
    let c = this.byNode.get(node);
    if (c === undefined) {
      c = { agree: 0, contradict: new Float64Array(CLAIMS.length), atMs: nowMs };
      this.byNode.set(node, c);
    } else if (nowMs > c.atMs) {
      const f = 0.5 ** ((nowMs - c.atMs) / this.halfLifeMs);
      c.agree *= f;
      for (let k = 0; k < CLAIMS.length; k++) c.contradict[k] = c.contradict[k]! * f;
      c.atMs = nowMs;
    }
    return c;
  }

  /** Records which operator runs a node (for operator trust). */
  setOperator(node: string, operator: string): void {
    this.operatorByNode.set(node, operator);
  }

  /** The operator `setOperator` recorded for `node`. */
  operatorOf(node: string): string | undefined {
    return this.operatorByNode.get(node);
  }

  /** A claim of `node` checked at `nowMs`: held or contradicted, with a weight (default 1). */
  record(node: string, claim: Claim, held: boolean, nowMs: number, weight = 1): void {
    if (!(weight > 0)) return;
    const c = this.counts(node, nowMs);
    if (held) c.agree += weight;
    else {
      const k = CLAIMS.indexOf(claim);
      c.contradict[k] = c.contradict[k]! + weight;
    }
  }

  /** The node's trust, standing and reasons at `nowMs`; a node without evidence is trusted at 0.5 mean. */
  of(node: string, nowMs: number): NodeTrust {
    const c = this.byNode.has(node) ? this.counts(node, nowMs) : undefined;
    const agree = c?.agree ?? 0;
    let bad = 0;
    const contradictions = {} as Record<Claim, number>;
    CLAIMS.forEach((claim, k) => {
      const v = c?.contradict[k] ?? 0;
      contradictions[claim] = v;
      bad += v;
    });
    const standing = this.standingFrom(agree, bad);
    return { trust: trustFrom(agree, bad), standing, contradictions, agreements: agree };
  }

  /** `of(node, nowMs).standing` without building the rest (checked after every piece of evidence). */
  standingOf(node: string, nowMs: number): Standing {
    if (!this.byNode.has(node)) return this.standingFrom(0, 0);
    const c = this.counts(node, nowMs);
    let bad = 0;
    for (let k = 0; k < CLAIMS.length; k++) bad += c.contradict[k]!;
    return this.standingFrom(c.agree, bad);
  }

  private standingFrom(agree: number, bad: number): Standing {
    const a = 1 + agree;
    const b = 1 + bad;
    const mean = trustFrom(agree, bad);
    const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
    const upper = mean + 1.96 * sd;
    return bad > 0 && upper < this.quarantineBelow
      ? 'quarantined'
      : bad >= DEMOTE_MIN_CONTRADICTIONS && mean < this.demoteBelow
        ? 'demoted'
        : 'trusted';
  }

  /** Evidence-weighted mean trust over the operator's nodes (0.5 for an operator without evidence). */
  operatorTrust(operator: string, nowMs: number): number {
    let weighted = 0;
    let weight = 0;
    for (const [node, op] of this.operatorByNode) {
      if (op !== operator || !this.byNode.has(node)) continue;
      const t = this.of(node, nowMs);
      let evidence = t.agreements;
      for (const claim of CLAIMS) evidence += t.contradictions[claim];
      weighted += t.trust * evidence;
      weight += evidence;
    }
    return weight > 0 ? weighted / weight : 0.5;
  }

  /** Every operator named by `setOperator`, sorted by id, with its trust and its nodes. */
  operators(nowMs: number): OperatorScore[] {
    const nodes = new Map<string, string[]>();
    for (const [node, op] of this.operatorByNode) {
      const list = nodes.get(op);
      if (list === undefined) nodes.set(op, [node]);
      else list.push(node);
    }
    return [...nodes.keys()].sort().map((operator) => ({
      operator,
      trust: this.operatorTrust(operator, nowMs),
      nodes: nodes.get(operator)!,
    }));
  }
}
