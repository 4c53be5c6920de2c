import type { AttemptStore } from './attempts.js';
import { FALLBACKS_ALL_INDEPENDENT, FALLBACKS_DEPENDENT, fallbackIndependence } from './independence.js';
import { PolicyMetrics } from './metrics.js';
import type { NodeModel } from './node-model.js';
import type { Bound } from './oracle.js';
import { MAX_CANDIDATES, MAX_VERIFIERS, type RequestStore } from './requests.js';
import type { RunHooks, SharedRun } from './shared-run.js';
import type { TrustState } from './trust-monitor.js';
import { TrustTally } from './trust-tally.js';
import { verificationMs } from './verification.js';
import type { VerifyJobs } from './verify-jobs.js';
import type { Arrival } from './workload/arrival.js';
import { ZKML, zkmlCheck } from './zkml.js';

/**
 * What one policy's run adds to its metrics, event by event: each arrival with the oracle's bound (what
 * the best node could have done), each decision's fallback independence, each served request (latency,
 * SLO, prediction error, cost and its verification), each lost request as unmet demand, the timeline
 * samples, and at the end the node counters and the trust tally. The simulation decides what happens to
 * requests; this class only records it, except zkML verification, whose proof checks are jobs on the
 * verifiers (they take slots there, as in the network they model).
 */
export class RunAccounts {
  readonly metrics: PolicyMetrics;
  private readonly tally: TrustTally;
  private readonly bound: Bound = { e2e: 0, ttft: 0 };
  private lastColdStarts = 0;

  constructor(
    private readonly shared: SharedRun,
    private readonly reqs: RequestStore,
    private readonly atts: AttemptStore,
    private readonly nodes: NodeModel,
    private readonly jobs: VerifyJobs,
    private readonly hooks: RunHooks,
  ) {
    const { input, net, options } = shared;
    const bucketS = options.bucketS > 0 ? options.bucketS : Math.max(1, input.durationS / 120);
    this.metrics = new PolicyMetrics(
      shared.regions.length,
      net.modelCount,
      net.provider.values.length,
      net.operator.values.length,
      input.durationS,
      bucketS,
    );
    this.tally = new TrustTally(shared.liars, net.nodeCount);
  }

  /** Request `r` arrived at `t` as `a`: its oracle bound, and the arrival in every breakdown. */
  arrived(r: number, a: Arrival, t: number): void {
    const reqs = this.reqs;
    const b = this.bound;
    this.shared.oracle.bound(
      a.metro,
      a.model,
      a.input,
      a.output,
      a.verification,
      a.dataset,
      this.nodes.up,
      b,
      t,
    );
    reqs.lbE2e[r] = b.e2e;
    reqs.lbTtft[r] = b.ttft;
    const m = this.metrics;
    m.arrived++;
    m.timeline.arrivals[m.bucket(t)]!++;
    m.byRegion[this.shared.metroRegion[a.metro]!]!.arrived++;
    m.demand.record(this.placeOf(a.metro), this.shared.input.models[a.model]!.id, t, {
      requests: 1,
      tokens: a.input + a.output,
      unmet: 0,
    });
    const byModel = m.byModel[a.model];
    if (byModel) byModel.arrived++;
    if (b.e2e < Number.POSITIVE_INFINITY) {
      m.oracleE2e.add(b.e2e);
      m.oracleTtft.add(b.ttft);
    }
  }

  /** The first decision for request `r` named `count` > 1 candidates: are its fallbacks independent? */
  decided(r: number, count: number): void {
    const ind = fallbackIndependence(this.shared.independence, this.reqs.cand, r * MAX_CANDIDATES, count);
    this.metrics.decisionsWithFallback++;
    if (ind === FALLBACKS_ALL_INDEPENDENT) this.metrics.independentDecisions++;
    this.reqs.independentFallback[r] = ind === FALLBACKS_DEPENDENT ? 0 : 1;
  }

  /** An attempt goes to `node`, with the router's trust checks as they stand (liars' sends before and after). */
  sent(node: number, trust: TrustState | undefined): void {
    this.tally.send(node, trust);
  }

  /**
   * Attempt `a` completed at `t` with output `digest`: its cost, and when it is the request's `first`
   * result, the served request and its verification.
   */
  completed(a: number, t: number, digest: number, first: boolean): void {
    const atts = this.atts;
    const reqs = this.reqs;
    const net = this.shared.net;
    const r = atts.req[a]!;
    const n = atts.node[a]!;
    const m = this.metrics;
    m.costUsd += ((atts.input[a]! + atts.output[a]!) / 1000) * net.price[n]!;
    if (!first) return;
    const oneWay = this.shared.rtt.client(reqs.metro[r]!, n) / 2;
    const arrival = reqs.arrival[r]!;
    const e2e = t + oneWay - arrival;
    const ttft = atts.startT[a]! + atts.prefill[a]! + oneWay - arrival;
    const wait = atts.startT[a]! - atts.reachT[a]!;
    const deadline = reqs.deadline[r]!;
    m.recordServed(
      t,
      this.shared.metroRegion[reqs.metro[r]!]!,
      reqs.model[r]!,
      net.provider.codes[n]!,
      net.operator.codes[n]!,
      e2e,
      ttft,
      wait,
      deadline < Number.POSITIVE_INFINITY ? deadline : this.shared.options.sloMs,
    );
    m.recordPrediction(reqs.decidedAt[r]!, reqs.predictedDone[r]!, t + oneWay);
    m.waitedOnColdStart += atts.coldWait[a]!;
    this.verify(r, a, digest, t);
    this.hooks.served?.({
      request: r,
      arrivalMs: arrival,
      node: n,
      metro: reqs.metro[r]!,
      model: reqs.model[r]!,
      input: reqs.input[r]!,
      output: reqs.output[r]!,
      e2eMs: e2e,
      ttftMs: ttft,
      waitMs: wait,
      oracleE2eMs: reqs.lbE2e[r]!,
      oracleTtftMs: reqs.lbTtft[r]!,
    });
  }

  /**
   * Verification after the result of attempt `a` (output `digest`) at `t`, reported apart: it does not
   * delay the response. A zkML proof is checked by a job on each verifier (`zkmlCheck`); the other modes'
   * checks are timed without occupying the verifier.
   */
  private verify(r: number, a: number, digest: number, t: number): void {
    const reqs = this.reqs;
    if (reqs.vreq[r] === ZKML) {
      zkmlCheck(this.shared.net, this.jobs, this.atts, a, digest, t, this.reqs, this.metrics.zkml);
      return;
    }
    const executor = this.atts.node[a]!;
    if (reqs.verifierCount[r] === 0 || reqs.vreq[r] === 0) return;
    const ms = verificationMs(
      this.shared.net,
      this.shared.rtt,
      this.nodes.up,
      executor,
      reqs.verifiers.subarray(r * MAX_VERIFIERS, r * MAX_VERIFIERS + reqs.verifierCount[r]!),
      reqs.model[r]!,
      reqs.vreq[r]!,
    );
    if (ms < 0) this.metrics.verificationFailed++;
    else this.metrics.verification.add(ms);
  }

  /** Request `r` is lost at `t`: every attempt failed and no re-route is left. */
  lost(r: number, t: number): void {
    const m = this.metrics;
    m.lost++;
    m.timeline.lost[m.bucket(t)]!++;
    if (this.reqs.independentFallback[r] === 1) m.lostWithIndependentFallback++;
    this.unmet(r);
  }

  /** The demand series' place of a client metro: its region. */
  private placeOf(metro: number): string {
    return this.shared.regions[this.shared.metroRegion[metro]!]!;
  }

  /** Counts request `r` as unmet demand in its arrival's bucket. */
  unmet(r: number): void {
    const reqs = this.reqs;
    this.metrics.demand.record(
      this.placeOf(reqs.metro[r]!),
      this.shared.input.models[reqs.model[r]!]!.id,
      reqs.arrival[r]!,
      {
        requests: 0,
        tokens: 0,
        unmet: 1,
      },
    );
  }

  /** The timeline bucket ending at `t`: load of the slots, cold starts since the last sample. */
  sample(t: number): void {
    const m = this.metrics;
    const b = m.bucket(t - 1);
    const nodes = this.nodes;
    m.timeline.load[b] = nodes.totalSlots > 0 ? nodes.totalRunning / nodes.totalSlots : 0;
    m.timeline.coldStarts[b] = nodes.coldStarts - this.lastColdStarts;
    this.lastColdStarts = nodes.coldStarts;
  }

  /**
   * Requests still open when the run stops are lost; node counters are copied, with the `events` the
   * engine handled and the trust checks' findings by run end `endMs`.
   */
  finish(events: number, trust: TrustState | undefined, endMs: number): void {
    const m = this.metrics;
    m.unfinished = m.arrived - m.served - m.lost - m.shed - m.failed;
    m.lost += m.unfinished;
    const nodes = this.nodes;
    m.coldStarts = nodes.coldStarts;
    m.coldStartS = nodes.coldStartMs / 1000;
    m.busySlotMs = nodes.busySlotMs;
    m.verifyJobs = this.jobs.tally;
    m.events = events;
    if (trust) m.trust = this.tally.report(trust, this.shared.net.topology.ids, endMs);
  }
}
