import { DemandRecorder } from '../demand/series.js';
import { Sketch } from './sketch.js';
import type { TrustReport } from './trust-tally.js';
import type { JobKind, JobTally } from './verify-jobs.js';
import { ZkmlTally } from './zkml.js';

/**
 * Bucket of the demand series a run records: about 288 buckets over the run (a 3-day run: 15 minutes, so a
 * day is 96 buckets), in whole minutes, at least one minute.
 */
export function demandBucketS(durationS: number): number {
  return Math.max(60, Math.ceil(durationS / 288 / 60) * 60);
}

/** Per-bucket series for the report's charts. */
export interface Timeline {
  bucketS: number;
  arrivals: Float64Array;
  served: Float64Array;
  lost: Float64Array;
  coldStarts: Float64Array;
  /** Busy slots ÷ all inference slots at the end of each bucket. */
  load: Float64Array;
  /** Sum and count of the prediction errors of the requests served in each bucket. */
  predErrorSum: Float64Array;
  predErrorCount: Float64Array;
}

/** A breakdown group (a region or a model): request count and end-to-end latency. */
export interface GroupStats {
  arrived: number;
  served: number;
  e2e: Sketch;
}

function groups(n: number): GroupStats[] {
  return Array.from({ length: n }, () => ({ arrived: 0, served: 0, e2e: new Sketch() }));
}

/**
 * One order of the warm-set controller, or one load the router started beside a decision (`router`), as
 * the simulation carried it out (or could not).
 */
export interface WarmAction {
  readonly tMs: number;
  readonly router?: true;
  readonly kind: 'load' | 'unload';
  readonly node: string;
  readonly model: string;
  readonly reason: string;
  /** False when the node could not carry it out (down, no room without evicting models in use, busy model). */
  readonly done: boolean;
}

/** Every order of a policy's warm-set controller and every load its router started, in order. */
export interface WarmSetRecord {
  readonly actions: WarmAction[];
}

/** Everything measured for one policy in one run. Filled by the simulation, read by results.ts. */
export class PolicyMetrics {
  arrived = 0;
  served = 0;
  /** Sent but never served (every attempt failed, or still unfinished when the run stopped). */
  lost = 0;
  /** Of `lost`: still unfinished when the run stopped (end of arrivals + drain time). */
  unfinished = 0;
  /** Declined by the router (no node can meet the deadline). */
  shed = 0;
  /** No node qualified. */
  failed = 0;
  /** Sends after the first (fallbacks and re-routes). */
  retries = 0;
  reroutes = 0;
  hedges = 0;
  /** Lost requests whose first decision carried a fallback independent of the primary. */
  lostWithIndependentFallback = 0;
  /** Decisions with at least one fallback, and those whose fallbacks share no monitored label with the primary. */
  decisionsWithFallback = 0;
  independentDecisions = 0;
  sloEligible = 0;
  sloMet = 0;
  costUsd = 0;
  waitMsSum = 0;
  verificationFailed = 0;
  coldStarts = 0;
  coldStartS = 0;
  busySlotMs = 0;
  /** Events the engine handled. */
  events = 0;
  /** Served requests whose serving attempt reached its node without the model resident (it waited on a load). */
  waitedOnColdStart = 0;
  /** The warm-set controller's orders, when the policy runs one. */
  warmSet: WarmSetRecord | undefined;
  /** What the router's trust checks caught (when it checks claims). */
  trust?: TrustReport;
  /** Verification jobs run on verifiers' slots, by kind (their slot time is part of `busySlotMs`). */
  verifyJobs: Record<JobKind, JobTally> | undefined;
  readonly zkml = new ZkmlTally();
  readonly e2e = new Sketch();
  readonly ttft = new Sketch();
  readonly oracleE2e = new Sketch();
  readonly oracleTtft = new Sketch();
  readonly verification = new Sketch();
  /** |predicted − realized| ÷ realized completion time of served requests; `Late`: over the last half. */
  readonly predError = new Sketch();
  readonly predErrorLate = new Sketch();
  private readonly halfMs: number;
  readonly byRegion: GroupStats[];
  readonly byModel: GroupStats[];
  readonly providerServed: Float64Array;
  readonly operatorServed: Float64Array;
  readonly timeline: Timeline;
  /**
   * Demand per (region, model), as the coordinator records it: each arrival counts a request and its
   * tokens in its arrival's bucket; a request shed, refused (no node) or lost counts as unmet in the same
   * bucket. Requests still unfinished when the run stops are not counted as unmet.
   */
  readonly demand: DemandRecorder;

  constructor(
    regions: number,
    models: number,
    providers: number,
    operators: number,
    durationS: number,
    bucketS: number,
  ) {
    this.byRegion = groups(regions);
    this.byModel = groups(models);
    this.providerServed = new Float64Array(providers);
    this.operatorServed = new Float64Array(operators);
    this.halfMs = (durationS * 1000) / 2;
    const buckets = Math.max(1, Math.ceil(durationS / bucketS));
    this.timeline = {
      bucketS,
      arrivals: new Float64Array(buckets),
      served: new Float64Array(buckets),
      lost: new Float64Array(buckets),
      coldStarts: new Float64Array(buckets),
      load: new Float64Array(buckets),
      predErrorSum: new Float64Array(buckets),
      predErrorCount: new Float64Array(buckets),
    };
    this.demand = new DemandRecorder(demandBucketS(durationS) * 1000);
  }

  /**
   * A served request whose decision at `decidedMs` predicted completion at `predictedMs`; it completed at
   * `doneMs`. The error is relative to the realized time from decision to completion.
   */
  recordPrediction(decidedMs: number, predictedMs: number, doneMs: number): void {
    const realized = doneMs - decidedMs;
    if (!(realized > 0) || !Number.isFinite(predictedMs)) return;
    const err = Math.abs(predictedMs - doneMs) / realized;
    this.predError.add(err);
    if (doneMs >= this.halfMs) this.predErrorLate.add(err);
    const b = this.bucket(doneMs);
    this.timeline.predErrorSum[b]! += err;
    this.timeline.predErrorCount[b]!++;
  }

  /** A request served at `tMs` with these latencies (ms), against its SLO target (ms). */
  recordServed(
    tMs: number,
    region: number,
    model: number,
    provider: number,
    operator: number,
    e2e: number,
    ttft: number,
    wait: number,
    targetMs: number,
  ): void {
    this.served++;
    this.e2e.add(e2e);
    this.ttft.add(ttft);
    this.waitMsSum += wait;
    this.timeline.served[this.bucket(tMs)]!++;
    const r = this.byRegion[region];
    if (r) {
      r.served++;
      r.e2e.add(e2e);
    }
    const g = this.byModel[model];
    if (g) {
      g.served++;
      g.e2e.add(e2e);
    }
    // A node without the label (NO_LABEL) serves for no provider or operator group.
    if (provider >= 0) this.providerServed[provider]!++;
    if (operator >= 0) this.operatorServed[operator]!++;
    this.sloEligible++;
    if (e2e <= targetMs) this.sloMet++;
  }

  /** Bucket index of time `tMs` (clamped to the last bucket). */
  bucket(tMs: number): number {
    const b = Math.floor(tMs / 1000 / this.timeline.bucketS);
    const last = this.timeline.arrivals.length - 1;
    return b < 0 ? 0 : Math.min(b, last);
  }
}
