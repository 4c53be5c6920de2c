import { Rng } from '../util/rng.js';
import { AttemptStore } from './attempts.js';
import { EventQueue } from './event-queue.js';
import {
  EV_ARRIVAL,
  EV_DETECT,
  EV_DONE,
  EV_DOWN,
  EV_LOADED,
  EV_REACH,
  EV_REFRESH,
  EV_SAMPLE,
  EV_UP,
  EV_WARMSET,
} from './events.js';
import type { PolicyMetrics } from './metrics.js';
import { NodeModel } from './node-model.js';
import { REACH_DOWN, REACH_OK } from './node-states.js';
import { dataFetchMs } from './oracle.js';
import { servedOutcome } from './outcome.js';
import { MAX_CANDIDATES, MAX_VERIFIERS, RequestStore } from './requests.js';
import {
  DECIDE_ROUTED,
  DECIDE_SHED,
  type DecisionOut,
  emptyDecision,
  emptyQuery,
  type RouteQuery,
  type RouterFactory,
  type SimRouter,
} from './router-port.js';
import { RunAccounts } from './run-accounts.js';
import type { RunHooks, SharedRun } from './shared-run.js';
import { VERIFY_REQ, VerifyJobs } from './verify-jobs.js';
import { carryOut } from './warm-set-loop.js';
import { type Arrival, type ArrivalSource, emptyArrival } from './workload/arrival.js';
import { simWorld } from './world.js';

export type { RunHooks, ServedRecord, SharedRun } from './shared-run.js';

/** Runs one policy over the shared scenario and returns its metrics. */
export function simulatePolicy(
  shared: SharedRun,
  policy: string,
  factory: RouterFactory,
  hooks: RunHooks = {},
): PolicyMetrics {
  return new Simulation(shared, policy, factory, hooks).run();
}

/**
 * One policy's run: the event loop, and what each event does to requests and attempts (route, send,
 * reach, complete, detect a failure, fall back, re-route). What the events add to the metrics is
 * RunAccounts'; the nodes' true state is NodeModel's.
 */
class Simulation {
  private readonly q = new EventQueue(1 << 16);
  private readonly reqs = new RequestStore(1 << 12);
  private readonly atts = new AttemptStore(1 << 12);
  private readonly nodes: NodeModel;
  private readonly router: SimRouter;
  private readonly accounts: RunAccounts;
  private readonly metrics: PolicyMetrics;
  private readonly source: ArrivalSource;
  private readonly pending: Arrival = emptyArrival();
  private readonly query: RouteQuery = emptyQuery();
  private readonly decision: DecisionOut = emptyDecision();
  private readonly failedScratch: number[] = [];
  private readonly downCount: Int32Array;
  private readonly endMs: number;
  private readonly hardEndMs: number;
  private readonly outputRng: Rng;
  private readonly jobs: VerifyJobs;
  private events = 0;

  constructor(
    private readonly shared: SharedRun,
    policy: string,
    factory: RouterFactory,
    private readonly hooks: RunHooks,
  ) {
    const { input, net, options } = shared;
    const root = new Rng(input.seed);
    const arrivalsRng = root.fork('arrivals');
    const tokensRng = root.fork('tokens');
    const routerRng = root.fork('router');
    this.nodes = new NodeModel(net, this.atts, this.q, undefined, shared.hidden, root.fork('telemetry'));
    this.downCount = new Int32Array(net.nodeCount);
    this.endMs = input.durationS * 1000;
    this.hardEndMs = this.endMs + options.drainS * 1000;
    this.jobs = new VerifyJobs(this.atts, this.q, this.nodes, shared.rtt);
    this.accounts = new RunAccounts(shared, this.reqs, this.atts, this.nodes, this.jobs, hooks);
    this.metrics = this.accounts.metrics;
    this.source = shared.arrivals(arrivalsRng, tokensRng);
    this.outputRng = root.fork('outputs');
    this.router = factory({
      input,
      net,
      metros: input.metros,
      truth: this.nodes,
      policy,
      rng: routerRng,
      world: simWorld(shared, this.atts, this.reqs, this.outputRng, this.jobs),
      liars: shared.liars,
      clairvoyance: { hidden: shared.hidden, rtt: shared.rtt },
    });
    if (this.router.warmSet) this.metrics.warmSet = { actions: [] };
  }

  run(): PolicyMetrics {
    const q = this.q;
    q.push(0, EV_REFRESH);
    for (const f of this.shared.failures) q.push(f.tMs, f.down ? EV_DOWN : EV_UP, f.node);
    q.push(Math.min(this.endMs, this.metrics.timeline.bucketS * 1000), EV_SAMPLE);
    if (this.router.warmSet) q.push(this.router.warmSet.periodMs, EV_WARMSET);
    if (this.source.next(this.pending)) q.push(this.pending.t, EV_ARRIVAL);
    const progress = this.hooks.progress;
    if (progress) progress(0, 0);
    while (q.pop()) {
      const t = q.t;
      if (t > this.hardEndMs) break;
      this.events++;
      if (progress && (this.events & 4095) === 0) progress(t, this.events);
      switch (q.k) {
        case EV_ARRIVAL:
          this.arrive(t);
          break;
        case EV_REACH:
          this.reach(q.pa, q.pb, t);
          break;
        case EV_LOADED:
          this.nodes.loaded(q.pa, q.pb, t);
          break;
        case EV_DONE:
          this.done(q.pa, q.pb, t);
          break;
        case EV_DETECT:
          this.detect(q.pa, q.pb, t);
          break;
        case EV_DOWN:
          this.down(q.pa, t);
          break;
        case EV_UP:
          if (--this.downCount[q.pa]! === 0) this.nodes.recover(q.pa);
          break;
        case EV_REFRESH:
          this.router.refresh(t);
          if (this.active(t)) q.push(t + this.shared.input.stalenessMs, EV_REFRESH);
          break;
        case EV_SAMPLE:
          this.accounts.sample(t);
          if (t < this.endMs)
            q.push(Math.min(this.endMs, t + this.metrics.timeline.bucketS * 1000), EV_SAMPLE);
          break;
        case EV_WARMSET:
          this.planWarmSet(t);
          break;
      }
    }
    if (progress) progress(Math.min(q.t, this.hardEndMs), this.events);
    this.accounts.finish(this.events, this.router.trust?.(), this.endMs);
    return this.metrics;
  }

  /** The controller plans from the router's view; its orders are carried out on the true nodes at once. */
  private planWarmSet(t: number): void {
    const ws = this.router.warmSet!;
    carryOut(ws.plan(t), this.nodes, this.shared.net, t, this.metrics.warmSet!);
    if (t < this.endMs) this.q.push(t + ws.periodMs, EV_WARMSET);
  }

  /** Arrivals remain or requests are still in flight. */
  private active(t: number): boolean {
    return t < this.endMs || this.reqs.live > 0;
  }

  private arrive(t: number): void {
    const a = this.pending;
    const r = this.reqs.alloc();
    const reqs = this.reqs;
    reqs.arrival[r] = t;
    reqs.metro[r] = a.metro;
    reqs.model[r] = a.model;
    reqs.input[r] = a.input;
    reqs.output[r] = a.output;
    reqs.vreq[r] = a.verification;
    reqs.dataset[r] = a.dataset;
    reqs.deadline[r] = a.deadlineMs;
    this.accounts.arrived(r, a, t);
    this.router.warmSet?.observe(a.model, a.metro, a.input, a.output, t);
    this.route(r, t, true);
    if (this.source.next(a)) this.q.push(a.t, EV_ARRIVAL);
  }

  /** Asks the router and sends the primary (and the hedge). */
  private route(r: number, t: number, first: boolean): void {
    const reqs = this.reqs;
    const query = this.query;
    query.metro = reqs.metro[r]!;
    query.model = reqs.model[r]!;
    query.input = reqs.input[r]!;
    query.output = reqs.output[r]!;
    query.vreq = reqs.vreq[r]!;
    query.dataset = reqs.dataset[r]!;
    query.deadlineMs = reqs.deadline[r]!;
    query.elapsedMs = t - reqs.arrival[r]!;
    const d = this.decision;
    d.count = 0;
    d.hedge = -1;
    d.verifierCount = 0;
    d.estimateMs = Number.NaN;
    d.loadAhead = -1;
    this.router.decide(query, t, d);
    if (d.status !== DECIDE_ROUTED || d.count === 0) {
      if (!first) this.lose(r, t);
      else {
        if (d.status === DECIDE_SHED) this.metrics.shed++;
        else this.metrics.failed++;
        this.accounts.unmet(r);
        reqs.release(r);
      }
      return;
    }
    reqs.decidedAt[r] = t;
    reqs.predictedDone[r] = t + d.estimateMs;
    const count = Math.min(d.count, MAX_CANDIDATES);
    for (let k = 0; k < count; k++) reqs.cand[r * MAX_CANDIDATES + k] = d.nodes[k]!;
    reqs.candCount[r] = count;
    reqs.nextCand[r] = 1;
    const vc = Math.min(d.verifierCount, MAX_VERIFIERS);
    for (let k = 0; k < vc; k++) reqs.verifiers[r * MAX_VERIFIERS + k] = d.verifiers[k]!;
    reqs.verifierCount[r] = vc;
    if (first && count > 1) this.accounts.decided(r, count);
    this.send(r, d.nodes[0]!, t);
    if (d.hedge >= 0) {
      this.metrics.hedges++;
      this.send(r, d.hedge, t);
    }
    if (d.loadAhead >= 0) this.loadAhead(d.loadAhead, query.model, d.loadAheadReason, t);
  }

  /**
   * Starts the load the router asked for beside a decision on the true node, recorded with the
   * controller's orders. Nothing to do when the node already waits to load that model (an order of the
   * controller waiting for memory, which the router's view does not show).
   */
  private loadAhead(n: number, m: number, reason: string, t: number): void {
    if (this.nodes.pendingLoad[n] === m) return;
    const net = this.shared.net;
    this.metrics.warmSet ??= { actions: [] };
    this.metrics.warmSet.actions.push({
      tMs: t,
      router: true,
      kind: 'load',
      node: net.nodes[n]!.id,
      model: net.models[m]!.id,
      reason,
      done: this.nodes.preload(n, m, t),
    });
  }

  private send(r: number, node: number, t: number): void {
    const atts = this.atts;
    const reqs = this.reqs;
    const a = atts.alloc();
    atts.req[a] = r;
    atts.node[a] = node;
    atts.model[a] = reqs.model[r]!;
    atts.input[a] = reqs.input[r]!;
    atts.output[a] = reqs.output[r]!;
    atts.vreq[a] = reqs.vreq[r]!;
    atts.sendT[a] = t;
    reqs.outstanding[r]!++;
    this.accounts.sent(node, this.router.trust?.());
    this.router.sent?.(node, reqs.model[r]!, a, atts.gen[a]!, t, reqs.dataset[r]! >= 0);
    const ds = reqs.dataset[r]!;
    const fetch = ds >= 0 ? dataFetchMs(this.shared.net, this.shared.rtt, this.nodes.up, ds, node) : 0;
    this.q.push(t + this.shared.rtt.client(reqs.metro[r]!, node) / 2 + fetch, EV_REACH, a, atts.gen[a]!);
  }

  private reach(a: number, gen: number, t: number): void {
    const atts = this.atts;
    if (atts.gen[a] !== gen) return;
    if (atts.req[a] === VERIFY_REQ) {
      this.jobs.reach(a, t);
      return;
    }
    const code = this.nodes.reach(a, t);
    if (code === REACH_OK) return;
    const detectAt =
      code === REACH_DOWN
        ? Math.max(t, atts.sendT[a]! + this.shared.options.detectMs)
        : t + this.shared.rtt.client(this.reqs.metro[atts.req[a]!]!, atts.node[a]!) / 2;
    this.q.push(detectAt, EV_DETECT, a, gen);
  }

  private done(a: number, gen: number, t: number): void {
    const atts = this.atts;
    if (atts.gen[a] !== gen) return;
    if (atts.req[a] === VERIFY_REQ) {
      this.jobs.done(a, t);
      return;
    }
    this.nodes.complete(a, t);
    const reqs = this.reqs;
    const r = atts.req[a]!;
    const digest = this.shared.liars.outputDigest(atts.node[a]!, this.outputRng);
    // The first result serves the request; a hedge's later one is paid for all the same.
    const first = reqs.done[r] === 0;
    reqs.done[r] = 1;
    this.accounts.completed(a, t, digest, first);
    this.observe(a, t, digest);
    atts.release(a);
    if (--reqs.outstanding[r]! === 0) reqs.release(r);
  }

  /** Tells a learning router what the client saw of attempt `a`, completed at `t`. */
  private observe(a: number, t: number, digest: number): void {
    if (!this.router.observe) return;
    const o = servedOutcome(this.shared, this.atts, this.reqs.metro[this.atts.req[a]!]!, a, t, digest);
    this.router.observe(o, t + o.rttMs / 2);
  }

  private detect(a: number, gen: number, t: number): void {
    const atts = this.atts;
    if (atts.gen[a] !== gen) return;
    if (atts.req[a] === VERIFY_REQ) {
      this.jobs.failed(a, t);
      return;
    }
    const node = atts.node[a]!;
    if (this.nodes.up[node] === 0) this.router.observeDown(node, t);
    const reqs = this.reqs;
    const r = atts.req[a]!;
    atts.release(a);
    reqs.outstanding[r]!--;
    if (reqs.done[r] === 1) {
      if (reqs.outstanding[r] === 0) reqs.release(r);
      return;
    }
    if (reqs.outstanding[r]! > 0) return;
    const next = reqs.nextCand[r]!;
    if (next < reqs.candCount[r]!) {
      reqs.nextCand[r] = next + 1;
      this.metrics.retries++;
      this.send(r, reqs.cand[r * MAX_CANDIDATES + next]!, t);
      return;
    }
    if (reqs.reroutes[r]! < this.shared.options.maxReroutes) {
      reqs.reroutes[r]!++;
      this.metrics.reroutes++;
      this.metrics.retries++;
      this.route(r, t, false);
      return;
    }
    this.lose(r, t);
  }

  private lose(r: number, t: number): void {
    this.accounts.lost(r, t);
    this.reqs.release(r);
  }

  private down(n: number, t: number): void {
    if (this.downCount[n]!++ > 0) return;
    const failed = this.failedScratch;
    failed.length = 0;
    this.nodes.fail(n, t, failed);
    const at = t + this.shared.options.detectMs;
    for (const a of failed) this.q.push(at, EV_DETECT, a, this.atts.gen[a]!);
  }
}
