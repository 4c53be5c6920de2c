import { serviceTerm, waitTerm } from '../estimate/candidate.js';
import { estimateParams } from '../estimate/params.js';
import type { EstimateQuery } from '../estimate/query.js';
import { TIER_GPU } from '../network/dynamics.js';
import type { Snapshot } from '../network/state.js';
import type { TrustLedger } from '../trust/ledger.js';
import { type SpotVerdict, spotCheckRate, spotVerdict } from '../trust/spot-check.js';
import type { Rng } from '../util/rng.js';
import type { SimNetwork } from './network.js';
import type { Reexecution, SimOutcome, SimWorld } from './router-port.js';

/** Share of served requests re-executed on a verifier, divided by the node's output score (`spotCheckRate`). */
export const SPOT_CHECK_RATE = 0.05;

/** Added to a verifier's expected time when it reported no free slot: any node with one comes first. */
const BUSY_PENALTY_MS = 1e9;
/**
 * Added when the model is neither resident nor loading on it: a re-execution that loads the model evicts
 * what the node serves (on nodes that hold one model, every such check set off a reload for the
 * requests that followed), so any node with the model ready comes first, even one with a queue.
 */
const COLD_PENALTY_MS = 2e9;

/** A re-execution this router sent: its verifier and when, ms. */
export interface SentJob {
  node: number;
  sendMs: number;
}

/** Counts of a run's spot checks: those sent, and those whose outputs did not match. */
export interface SpotCounts {
  spotChecks: number;
  mismatches: number;
}

/**
 * The router's spot checks in the simulator: it re-executes a share of served answers on an independent
 * verifier it picks itself, and, when the outputs differ, breaks the tie on a third node. Each
 * re-execution is a job the router sends like a request, so it takes a slot on the verifier and counts in
 * this router's own load there (the TrustMonitor's queue check reads `jobs`). The verdicts on the output
 * claim of the executor and the verifiers go to `record`, when the jobs end.
 */
export class SpotChecker {
  /** This router's re-executions under way, by job: each holds a slot or a place in its verifier's queue. */
  private readonly sent = new Map<number, SentJob>();
  /** Per node: how many of `sent` it holds (asked on every request the router sends). */
  private readonly sentTo: Int32Array;
  /** Per model: the nodes `readyNodes` listed, how many, and at which refresh (−1: never). */
  private readonly ready: (Int32Array | undefined)[] = [];
  private readonly readyCount: Int32Array;
  private readonly readyAt: Int32Array;
  /** View refreshes seen (`refreshed`). */
  private refreshes = 0;
  private jobSeq = 0;
  /** Per node: spot checks of its answers whose outputs differed and whose tie-break is under way. */
  private readonly awaitingTie: Int32Array;
  /** A re-execution as the estimate sees it (no client: only the wait and the service count). */
  private readonly jobQuery: EstimateQuery = {
    model: 0,
    clientMetro: -1,
    client: { lat: 0, lon: 0 },
    inputTokens: 0,
    outputTokens: 0,
    costFactor: 1,
    dataset: -1,
    params: estimateParams(),
  };
  /** The router's view as last seen: verdicts arrive between router calls, when a verifier's job ends. */
  private view: Snapshot | undefined;

  constructor(
    private readonly net: SimNetwork,
    private readonly world: SimWorld,
    private readonly rng: Rng,
    private readonly ledger: TrustLedger,
    private readonly counts: SpotCounts,
    /** When this router last sent each node a request for a model it did not report loaded (shared). */
    private readonly lastColdSendMs: Float64Array,
    private readonly record: (node: number, held: boolean, nowMs: number, view: Snapshot) => void,
  ) {
    this.awaitingTie = new Int32Array(net.nodeCount);
    this.sentTo = new Int32Array(net.nodeCount);
    this.readyCount = new Int32Array(net.modelCount);
    this.readyAt = new Int32Array(net.modelCount).fill(-1);
  }

  /** The router's view was refreshed (the warm sets it shows may have changed): verifiers come from it. */
  refreshed(view: Snapshot): void {
    this.refreshes++;
    this.view = view;
  }

  /** This router's re-executions under way at node `i`. */
  jobsAt(i: number): number {
    return this.sentTo[i]!;
  }

  /** This router's re-executions under way. */
  get jobs(): ReadonlyMap<number, SentJob> {
    return this.sent;
  }

  /** The router's view now: verifiers are chosen and verdicts recorded against the latest one. */
  see(view: Snapshot): void {
    this.view = view;
  }

  /**
   * Re-executes on an independent verifier at `spotCheckRate`: raised for a node with a low output score,
   * every answer while it is suspect (a contradiction standing, or a tie-break under way). The re-execution
   * is a job queued on the verifier (it takes a slot there); the verdict is recorded when it ends, after
   * a tie-break job on a third node when the outputs differ. A verifier that fails gives no evidence.
   */
  check(o: SimOutcome, model: number, digest: number, nowMs: number): void {
    const i = o.node;
    const id = this.net.topology.ids[i]!;
    const score = this.ledger.claimScore(id, 'output');
    const suspect = this.awaitingTie[i]! > 0 || this.ledger.suspect(id, 'output');
    if (!this.rng.chance(spotCheckRate(SPOT_CHECK_RATE, score, suspect))) return;
    const job: Reexecution = { node: -1, from: i, model, input: o.inputTokens ?? 0, output: o.outputTokens };
    const v = this.verifier(job, [i]);
    if (v < 0) return;
    job.node = v;
    this.counts.spotChecks++;
    const first = this.sendJob(v, model, nowMs);
    this.world.reexecute(job, nowMs, (dv, atMs) => {
      this.ended(first);
      if (Number.isNaN(dv)) return;
      if (dv === digest) {
        this.settle(i, v, 'match', atMs);
        return;
      }
      const t = this.verifier(job, [i, v]);
      if (t < 0) {
        this.settle(i, v, 'inconclusive', atMs);
        return;
      }
      const tie = this.sendJob(t, model, atMs);
      this.awaitingTie[i]!++;
      this.world.reexecute({ ...job, node: t }, atMs, (dt, endMs) => {
        this.ended(tie);
        this.awaitingTie[i]!--;
        this.settle(
          i,
          v,
          spotVerdict(digest, dv, () => dt),
          endMs,
        );
      });
    });
  }

  /**
   * A re-execution of `model` goes to verifier `v`: a send of this router like a request's, so it counts
   * in the view's sends since the report (a slot it takes), in this router's own load at `v` until it
   * ends (the queue check by count), and, when the model was not reported loaded there, opens the window
   * in which a late start on `v` may be the eviction it caused. Returns the job's key in `sent`.
   */
  private sendJob(v: number, model: number, nowMs: number): number {
    const view = this.view!;
    view.sent[v]!++;
    if (view.dyn.tier[v * this.net.modelCount + model] !== TIER_GPU) this.lastColdSendMs[v] = nowMs;
    const key = this.jobSeq++;
    this.sent.set(key, { node: v, sendMs: nowMs });
    this.sentTo[v]!++;
    return key;
  }

  /** Job `key` ended: it no longer holds its verifier. */
  private ended(key: number): void {
    const job = this.sent.get(key);
    if (job === undefined) return;
    this.sent.delete(key);
    this.sentTo[job.node]!--;
  }

  /** A spot check of executor `i` by verifier `v` ended at `nowMs` with `verdict`. */
  private settle(i: number, v: number, verdict: SpotVerdict, nowMs: number): void {
    const view = this.view;
    if (!view) return;
    if (verdict !== 'match') this.counts.mismatches++;
    if (verdict === 'match' || verdict === 'verifier') this.record(i, true, nowMs, view);
    if (verdict === 'executor') this.record(i, false, nowMs, view);
    if (verdict === 'verifier') this.record(v, false, nowMs, view);
    if (verdict === 'match') this.record(v, true, nowMs, view);
  }

  /**
   * The verifier of a re-execution: a healthy, trusted node that serves the job's model, of an operator
   * none of `not` has, that this router expects to finish it first (its wait to start and service time
   * at the learned speed, the same terms a request's estimate adds up) among those with the model ready
   * (resident or loading) and a free slot, else with the model ready, else with a free slot, else among
   * all; −1 when none qualifies.
   */
  private verifier(job: Reexecution, not: readonly number[]): number {
    const view = this.view;
    if (!view) return -1;
    const q = this.jobQuery;
    q.model = job.model;
    q.inputTokens = job.input;
    q.outputTokens = job.output;
    // The nodes with the model ready first: when one of them has a free slot, every other node (busy or
    // cold, a penalty of 1e9 ms or more) is out of the running, and only they need be compared.
    const ready = this.readyNodes(view, job.model);
    const first = this.bestOf(view, q, ready.nodes, ready.count, not);
    if (first.ms < BUSY_PENALTY_MS) return first.node;
    const all = this.net.capableNodes[job.model]!;
    return this.bestOf(view, q, all, all.length, not).node;
  }

  /**
   * The first of `nodes[0 … count)` (in their order) with the lowest penalty + wait + service, among the
   * healthy, trusted ones of no operator of `not`; node −1 when none qualifies.
   */
  private bestOf(
    view: Snapshot,
    q: EstimateQuery,
    nodes: Int32Array,
    count: number,
    not: readonly number[],
  ): { node: number; ms: number } {
    const op = this.net.operator.codes;
    const d = view.dyn;
    const M = this.net.modelCount;
    const model = q.model;
    let best = -1;
    let bestMs = Number.POSITIVE_INFINITY;
    for (let k = 0; k < count; k++) {
      const c = nodes[k]!;
      if (d.healthy[c] !== 1 || d.quarantined[c] === 1 || excluded(not, op, c)) continue;
      const free = d.running[c]! + d.queued[c]! + view.sent[c]! < this.net.slots[c]!;
      const ready = modelReady(view, M, c, model);
      const penalty = (free ? 0 : BUSY_PENALTY_MS) + (ready ? 0 : COLD_PENALTY_MS);
      // Wait and service are never negative, so a node whose penalty alone, or penalty and service,
      // reach the best cannot beat it: what it leaves out need not be estimated.
      if (penalty >= bestMs) continue;
      const service = serviceTerm(view, q, c);
      if (penalty + service >= bestMs) continue;
      const ms = penalty + waitTerm(view, q, c) + service;
      if (ms < bestMs) {
        bestMs = ms;
        best = c;
      }
    }
    return { node: best, ms: bestMs };
  }

  /**
   * The capable nodes the view shows with `model` resident or loading, in `capableNodes` order; listed
   * once per view refresh (`refreshed`), since between refreshes the view's warm sets do not change.
   */
  private readyNodes(view: Snapshot, model: number): { nodes: Int32Array; count: number } {
    const all = this.net.capableNodes[model]!;
    let nodes = this.ready[model];
    if (nodes === undefined) {
      nodes = new Int32Array(all.length);
      this.ready[model] = nodes;
    }
    if (this.readyAt[model] !== this.refreshes) {
      const M = this.net.modelCount;
      let count = 0;
      for (const c of all) if (modelReady(view, M, c, model)) nodes[count++] = c;
      this.readyCount[model] = count;
      this.readyAt[model] = this.refreshes;
    }
    return { nodes, count: this.readyCount[model]! };
  }
}

/** Whether node c is one of `not` or shares an operator with one of them. */
function excluded(not: readonly number[], op: ArrayLike<number>, c: number): boolean {
  for (const x of not) if (x === c || op[x] === op[c]) return true;
  return false;
}

/** Whether the view shows `model` resident or loading on node c (`M`: models in the network). */
function modelReady(view: Snapshot, M: number, c: number, model: number): boolean {
  return view.dyn.tier[c * M + model] === TIER_GPU || view.dyn.loadingModel[c] === model;
}
