/** What `route()` returns. Ids for people and APIs, dense indexes for the simulator. */

/** A place where independence (or verifier independence) had to be relaxed, and why. */
export interface Relaxation {
  /** `fallback 1`, `hedge`, `verifier 1`, `spot check`. */
  slot: string;
  /** Dimensions that were allowed to be shared (empty when the slot could not be filled at all). */
  dropped: readonly string[];
  reason: string;
}

export type RouteErrorCode =
  | 'unknown_model'
  | 'unknown_dataset'
  | 'dataset_unavailable'
  | 'unsupported_verification'
  | 'no_candidates'
  | 'deadline';

export interface RouteOk {
  ok: true;
  requestId: string | undefined;
  policy: string;
  /** Seed of this decision: replaying it with `route(…, new Rng(0), { seed })` gives the same decision. */
  seed: number;
  primary: string;
  primaryIndex: number;
  fallbacks: readonly string[];
  fallbackIndexes: readonly number[];
  /** The fallback that also gets a hedge copy, or null. */
  hedge: string | null;
  verifiers: readonly string[];
  verifierIndexes: readonly number[];
  /** The independent inference node re-executing this request as a spot check, or null. */
  spotCheck: string | null;
  /** Expected completion time on the primary (sum of the estimate terms), ms. */
  estimateMs: number;
  /** `none` (no deadline), `met` (the primary's estimate meets it), `missed` (best effort: none could). */
  deadline: 'none' | 'met' | 'missed';
  relaxations: readonly Relaxation[];
  /** Plugin failures and other anomalies (normally empty). */
  warnings: readonly string[];
  /**
   * A second node to load the model on now, beside this decision (absent: none): the primary is warm but
   * its queue wait (`waitMs`) is a large share of that load's expected time (`loadMs`). See
   * routing/load-ahead.ts; the caller carries it out (the simulator on its node, the gateway by a command
   * to the node's agent).
   */
  loadAhead?: { node: string; nodeIndex: number; waitMs: number; loadMs: number };
  receipt?: Receipt;
}

export interface RouteFailure {
  ok: false;
  requestId: string | undefined;
  policy: string;
  seed: number;
  error: { code: RouteErrorCode; message: string };
  warnings: readonly string[];
  receipt?: Receipt;
}

export type RouteDecision = RouteOk | RouteFailure;

/** Estimate terms of one candidate as shown in a receipt (ms, rounded to 0.1). */
export interface ReceiptCandidate {
  node: string;
  metro: string;
  provider: string | undefined;
  warm: boolean;
  rttMs: number;
  queueMs: number;
  coldStartMs: number;
  serviceMs: number;
  dataFetchMs: number;
  estimateMs: number;
  uncertaintyMs: number;
  /** The profile's weighted cost (what the picker saw). */
  costMs: number;
}

/** The compact, replayable record of one decision. */
export interface Receipt {
  requestId: string | undefined;
  policy: string;
  seed: number;
  model: string;
  client: { metro: string | undefined; lat: number; lon: number };
  candidates: { considered: number; afterFilters: number; exhaustive: boolean };
  /** Candidates removed, by reason. */
  filtered: Record<string, number>;
  top: ReceiptCandidate[];
  chosen: string | null;
  fallbacks: string[];
  hedge: string | null;
  verifiers: { node: string; metro: string; latencyMs: number }[];
  spotCheck: string | null;
  /** The second replica the decision asked for (ms rounded to 0.1), when it asked for one. */
  loadAhead?: { node: string; waitMs: number; loadMs: number };
  relaxations: Relaxation[];
  deadline: { deadlineMs: number | null; outcome: 'none' | 'met' | 'missed' | 'shed' };
  warnings: string[];
  /** Time per plugin in µs, only when timing was asked for. */
  timingUs?: Record<string, number>;
}
