import type { ServedOutcome } from '../learn/node-speed.js';
import type { Rng } from '../util/rng.js';
import type { HiddenTruth } from './hidden-truth.js';
import type { ClientMetro, SimInput } from './input.js';
import type { LiarTable } from './liars.js';
import type { SimNetwork } from './network.js';
import type { NodeModel } from './node-model.js';
import { MAX_CANDIDATES, MAX_VERIFIERS } from './requests.js';
import type { TrustState } from './trust-monitor.js';
import type { TruthRtt } from './truth-rtt.js';
import type { WarmOrder } from './warm-set-loop.js';

export const DECIDE_ROUTED = 0;
/** The router declined: no node can meet the deadline (per policy). */
export const DECIDE_SHED = 1;
/** No node qualifies at all. */
export const DECIDE_FAILED = 2;

/** One request as the simulator asks the router about it (reused between calls). */
export interface RouteQuery {
  metro: number;
  model: number;
  input: number;
  output: number;
  /** Index into VERIFICATION_REQUIREMENTS. */
  vreq: number;
  /** Dataset index or -1. */
  dataset: number;
  /** Deadline in ms from arrival, Infinity when none. */
  deadlineMs: number;
  /** Ms already spent since arrival (retries re-route a request that is already late). */
  elapsedMs: number;
}

export function emptyQuery(): RouteQuery {
  return {
    metro: 0,
    model: 0,
    input: 0,
    output: 0,
    vreq: 0,
    dataset: -1,
    deadlineMs: Number.POSITIVE_INFINITY,
    elapsedMs: 0,
  };
}

/** A decision as node indices (reused between calls). */
export interface DecisionOut {
  status: number;
  /** Primary, then fallbacks in order. */
  nodes: Int32Array;
  count: number;
  /** Node to send a hedge copy to at once, or -1. */
  hedge: number;
  verifiers: Int32Array;
  verifierCount: number;
  /** Why the request was shed or failed. */
  reason: string;
  /** The router's estimate of the primary's completion time, ms from the decision (NaN when none). */
  estimateMs: number;
  /** A node to load the request's model on now, beside the decision (-1: none), and why. */
  loadAhead: number;
  loadAheadReason: string;
}

export function emptyDecision(): DecisionOut {
  return {
    status: DECIDE_FAILED,
    nodes: new Int32Array(MAX_CANDIDATES),
    count: 0,
    hedge: -1,
    verifiers: new Int32Array(MAX_VERIFIERS),
    verifierCount: 0,
    reason: '',
    estimateMs: Number.NaN,
    loadAhead: -1,
    loadAheadReason: '',
  };
}

/**
 * One served request as the client saw it, for a router that learns: the learner's `ServedOutcome` plus
 * where the client was and the round trip it measured to the node.
 */
export type SimOutcome = ServedOutcome & {
  clientMetro: number;
  rttMs: number;
  /** Digest of the output the node returned (0: the right output), for spot checks. */
  outputDigest?: number;
  /** The request's input tokens (a spot check re-executes the same request). */
  inputTokens?: number;
  /** The attempt (as given to `SimRouter.sent`) and its model. */
  attempt?: number;
  model?: number;
};

/** What the client of one attempt knows of its start (filled by `SimWorld.firstByte`). */
export interface AttemptStart {
  /** When the first byte reached the client (ms); Infinity while the attempt waits or travels. */
  atMs: number;
  /** The round trip the client measured to the node. */
  rttMs: number;
  /** The catalog's prefill of the request on the node (factor 1). */
  catalogPrefillMs: number;
}

/** A served request to re-execute on verifier `node`, sent from the node that served it. */
export interface Reexecution {
  node: number;
  from: number;
  model: number;
  input: number;
  output: number;
}

/**
 * What a router can ask of the world besides telemetry: a probe's round trip from client metro
 * `metro` to node `node`, a re-execution of a request on a verifier, queued there like any request:
 * `done` gets the digest of the verifier's output (0: the right output; NaN when the verifier failed)
 * when the job finishes, and how slow a node's decode is against its claim.
 */
export interface SimWorld {
  probeRttMs(metro: number, node: number): number;
  reexecute(job: Reexecution, tMs: number, done: (digest: number, atMs: number) => void): void;
  /**
   * A short benchmark generation the router sends node `node` at `tMs` itself: its time per output token
   * over the catalog's for the hardware the node declared (1: as claimed; NaN: no answer).
   */
  benchmark(node: number, tMs: number): number;
  /** Fills `out` for attempt `attempt` of generation `gen`; false once it has ended or failed. */
  firstByte(attempt: number, gen: number, out: AttemptStart): boolean;
}

/**
 * The router as the simulator drives it. The real implementation wraps `route()` on a NetworkView
 * (route-adapter.ts); tests may pass trivial ones. A router never reads the truth except in `refresh`,
 * which is called every `stalenessMs` and stands for a telemetry snapshot.
 */
export interface SimRouter {
  /** Rebuilds the view from the truth as it is now (a telemetry snapshot). */
  refresh(now: number): void;
  decide(query: RouteQuery, now: number, out: DecisionOut): void;
  /** The client saw a send to `node` fail because the node is down. */
  observeDown(node: number, now: number): void;
  /** A request the router sent completed: what it took (the learning router learns from it). */
  observe?(outcome: SimOutcome, nowMs: number): void;
  /** What the router's trust checks found so far (absent: it checks no claims). */
  trust?(): TrustState;
  /**
   * The simulator sent attempt `attempt` (generation `gen`) of a request for `model` to `node` at
   * `nowMs` (primary, hedge, fallback or re-route), `withDataset` when the request names a dataset.
   */
  sent?(node: number, model: number, attempt: number, gen: number, nowMs: number, withDataset: boolean): void;
  /** The policy's warm-set controller, when its profile turns one on. */
  readonly warmSet?: SimWarmSet;
}

/** A warm-set controller as the simulator drives it: told every arrival, asked for orders every `periodMs`. */
export interface SimWarmSet {
  readonly periodMs: number;
  /** A request for `model` from client metro `metro` (index into the run's client metros) arrived. */
  observe(model: number, metro: number, inputTokens: number, outputTokens: number, nowMs: number): void;
  /** Loads and unloads to carry out now, planned from the router's view (none before the first snapshot). */
  plan(nowMs: number): readonly WarmOrder[];
}

/** What a router may be built from. `truth` is only for `refresh`. */
export interface RouterContext {
  input: SimInput;
  net: SimNetwork;
  metros: readonly ClientMetro[];
  truth: NodeModel;
  policy: string;
  rng: Rng;
  /** Probes and re-execution (absent: the router checks no claims). */
  world?: SimWorld;
  /** Like `truth`, only for `refresh`: what lying nodes report instead of the truth. */
  liars?: LiarTable;
  /**
   * The hidden truth itself, only for a profile that asks to be told it (`estimate.truth`: the
   * clairvoyant reference); every other router must never read it.
   */
  clairvoyance?: { hidden: HiddenTruth; rtt: TruthRtt };
}

export type RouterFactory = (ctx: RouterContext) => SimRouter;
