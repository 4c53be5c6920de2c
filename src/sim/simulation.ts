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
import { FALLBACKS_ALL_INDEPENDENT, FALLBACKS_DEPENDENT, fallbackIndependence } from './independence.js';
import { PolicyMetrics } from './metrics.js';
import { NodeModel } from './node-model.js';
import { REACH_DOWN, REACH_OK } from './node-states.js';
import { type Bound, dataFetchMs } from './oracle.js';
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
import type { RunHooks, SharedRun } from './shared-run.js';
import { TrustTally } from './trust-tally.js';
import { verificationMs } from './verification.js';
import { VERIFY_REQ, VerifyJobs } from './verify-jobs.js';
import { carryOut } from './warm-set-loop.js';
import { type Arrival, type ArrivalSource, emptyArrival } from './workload/arrival.js';
import { simWorld } from './world.js';
import { ZKML, zkmlCheck } from './zkml.js';

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

class Simulation {
  private readonly q = new EventQueue(1 << 16);
  private readonly reqs = new RequestStore(1 << 12);
  private readonly atts = new AttemptStore(1 << 12);
  private readonly nodes: NodeModel;
  private readonly router: SimRouter;
  private readonly metrics: PolicyMetrics;
  private readonly source: ArrivalSource;
  private readonly pending: Arrival = emptyArrival();
  private readonly query: RouteQuery = emptyQuery();
  private readonly decision: DecisionOut = emptyDecision();
  private readonly bound: Bound = { e2e: 0, ttft: 0 };
  private readonly failedScratch: number[] = [];
  private readonly downCount: Int32Array;
  private readonly endMs: number;
  private readonly hardEndMs: number;
  private readonly outputRng: Rng;
  private readonly tally: TrustTally;
  private readonly jobs: VerifyJobs;
  private lastColdStarts = 0;
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
    const bucketS = options.bucketS > 0 ? options.bucketS : Math.max(1, input.durationS / 120);
    this.metrics = new PolicyMetrics(
      shared.regions.length,
      net.modelCount,
      net.provider.values.length,
      net.operator.values.length,
      input.durationS,
      bucketS,
    );
    this.source = shared.arrivals(arrivalsRng, tokensRng);
    this.outputRng = root.fork('outputs');
    this.jobs = new VerifyJobs(this.atts, this.q, this.nodes, shared.rtt);
    this.router = factory({
      input,
      net,
      metros: input.metros,
      truth: this.nodes,
      policy,
      rng: routerRng,
      world: simWorld(shared, this.atts, this.reqs, this.outputRng, this.jobs),
      liars: shared.liars,
    });
    if (this.router.warmSet) this.metrics.warmSet = { actions: [] };
    this.tally = new TrustTally(shared.liars, net.nodeCount);
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
          this.sample(t);
          break;
        case EV_WARMSET:
          this.planWarmSet(t);
          break;
      }
    }
    if (progress) progress(Math.min(q.t, this.hardEndMs), this.events);
    this.finish();
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
    this.router.warmSet?.observe(a.model, a.metro, a.input, a.output, t);
    if (b.e2e < Number.POSITIVE_INFINITY) {
      m.oracleE2e.add(b.e2e);
      m.oracleTtft.add(b.ttft);
    }
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
    this.router.decide(query, t, d);
    if (d.status !== DECIDE_ROUTED || d.count === 0) {
      if (!first) this.lose(r, t);
      else {
        if (d.status === DECIDE_SHED) this.metrics.shed++;
        else this.metrics.failed++;
        this.unmet(r);
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
    if (first && count > 1) this.noteIndependence(r, count);
    this.send(r, d.nodes[0]!, t);
    if (d.hedge >= 0) {
      this.metrics.hedges++;
      this.send(r, d.hedge, t);
    }
  }

  private noteIndependence(r: number, count: number): void {
    const ind = fallbackIndependence(this.shared.independence, this.reqs.cand, r * MAX_CANDIDATES, count);
    this.metrics.decisionsWithFallback++;
    if (ind === FALLBACKS_ALL_INDEPENDENT) this.metrics.independentDecisions++;
    this.reqs.independentFallback[r] = ind === FALLBACKS_DEPENDENT ? 0 : 1;
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
    this.tally.send(node, this.router.trust?.());
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
    const net = this.shared.net;
    const r = atts.req[a]!;
    const n = atts.node[a]!;
    const m = this.metrics;
    m.costUsd += ((atts.input[a]! + atts.output[a]!) / 1000) * net.price[n]!;
    const digest = this.shared.liars.outputDigest(n, this.outputRng);
    if (reqs.done[r] === 0) {
      reqs.done[r] = 1;
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
    this.observe(a, t, digest);
    atts.release(a);
    if (--reqs.outstanding[r]! === 0) reqs.release(r);
  }

  /** Tells a learning router what the client saw of attempt `a`, completed at `t`. */
  private observe(a: number, t: number, digest: number): void {
    if (!this.router.observe) return;
    const o = servedOutcome(this.shared, this.atts, this.reqs.metro[this.atts.req[a]!]!, a, t);
    o.outputDigest = digest;
    o.inputTokens = this.atts.input[a]!;
    o.attempt = a;
    o.model = this.atts.model[a]!;
    this.router.observe(o, t + o.rttMs / 2);
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
    const m = this.metrics;
    m.lost++;
    m.timeline.lost[m.bucket(t)]!++;
    if (this.reqs.independentFallback[r] === 1) m.lostWithIndependentFallback++;
    this.unmet(r);
    this.reqs.release(r);
  }

  /** The demand series' place of a client metro: its region. */
  private placeOf(metro: number): string {
    return this.shared.regions[this.shared.metroRegion[metro]!]!;
  }

  /** Counts request `r` as unmet demand in its arrival's bucket. */
  private unmet(r: number): void {
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

  private down(n: number, t: number): void {
    if (this.downCount[n]!++ > 0) return;
    const failed = this.failedScratch;
    failed.length = 0;
    this.nodes.fail(n, t, failed);
    const at = t + this.shared.options.detectMs;
    for (const a of failed) this.q.push(at, EV_DETECT, a, this.atts.gen[a]!);
  }

  private sample(t: number): void {
    const m = this.metrics;
    const b = m.bucket(t - 1);
    const nodes = this.nodes;
    m.timeline.load[b] = nodes.totalSlots > 0 ? nodes.totalRunning / nodes.totalSlots : 0;
    m.timeline.coldStarts[b] = nodes.coldStarts - this.lastColdStarts;
    this.lastColdStarts = nodes.coldStarts;
    if (t < this.endMs) this.q.push(Math.min(this.endMs, t + m.timeline.bucketS * 1000), EV_SAMPLE);
  }

  /** Requests still open when the run stops are lost; node counters are copied. */
  private finish(): void {
    const m = this.metrics;
    m.unfinished = m.arrived - m.served - m.lost - m.shed - m.failed;
    m.lost += m.unfinished;
    const nodes = this.nodes;
    m.coldStarts = nodes.coldStarts;
    m.coldStartS = nodes.coldStartMs / 1000;
    m.busySlotMs = nodes.busySlotMs;
    m.verifyJobs = this.jobs.tally;
    m.events = this.events;
    const trust = this.router.trust?.();
    if (trust) m.trust = this.tally.report(trust, this.shared.net.topology.ids);
  }
}
