import { transferMs } from '../estimate/cold-start.js';
import { greatCircleKm } from '../geo/distance.js';
import { TIER_GPU } from '../network/dynamics.js';
import { ACCEL_API } from '../network/models.js';
import type { NetworkState, Snapshot } from '../network/state.js';
import { checkStart, DEFAULT_START_SLACK, queueHolds, residentFits } from '../trust/evidence.js';
import { TrustLedger } from '../trust/ledger.js';
import { checkClaimedLocation } from '../trust/location.js';
import { CLAIMS, type Claim } from '../trust/reputation.js';
import type { Rng } from '../util/rng.js';
import type { ClientMetro } from './input.js';
import type { SimNetwork } from './network.js';
import type { AttemptStart, SimOutcome, SimWorld } from './router-port.js';
import { SpeedWatch } from './speed-watch.js';
import { SpotChecker } from './spot-checker.js';

/** Vantage points the router probes every node from once, at registration (client metros, spread out). */
export const VANTAGES = 32;

/** What the router's trust checks found in a run, per node (NaN / '' where nothing). */
export interface TrustState {
  readonly quarantinedAtMs: Float64Array;
  /** When the ledger first demoted each node (NaN: never). */
  readonly demotedAtMs: Float64Array;
  /** The ledger itself, for per-operator trust at the end of the run. */
  readonly ledger: TrustLedger;
  readonly reason: string[];
  /** Checks of each claim and the contradicted ones, per `node × CLAIMS.length + claim`. */
  readonly checks: Int32Array;
  readonly contradicted: Int32Array;
  spotChecks: number;
  mismatches: number;
}

/** A start being checked: the node claimed the model warm and a free slot when it was sent. */
interface PendingStart {
  gen: number;
  node: number;
  model: number;
  sendMs: number;
  rttMs: number;
  /** Prefill at the node's learned speed, ms. */
  expected: number;
  /** When the first byte is late beyond the slack. */
  dueMs: number;
}

/** A request sent this long ago has reached its node (ms; one-way trips are far shorter). */
const SETTLE_MS = 1000;

/** How long after a cold model was sent to a node its warm claims go unchecked (ms). */
const EVICTION_WINDOW_MS = 30_000;

/** Starts checked at once at most (the oldest is dropped unchecked beyond). */
const MAX_PENDING = 1 << 16;

/**
 * The router's side of trust in the simulator, fed only by what a router can see: the telemetry claims
 * at decision time, the outcomes clients measured, its own probes from vantage points, the spot checks
 * it asks verifiers for (SpotChecker) and its benchmarks of slow nodes (SpeedWatch). Evidence goes to a
 * TrustLedger (sequential tests per claim); an alarm puts the node in quarantine in the router's
 * NetworkState (the `trusted` filter drops it).
 */
export class TrustMonitor {
  readonly ledger = new TrustLedger();
  readonly state: TrustState;
  private readonly pending = new Map<number, PendingStart>();
  /** This router's requests in flight (without a dataset to fetch first), by attempt. */
  private readonly flight = new Map<number, { gen: number; node: number; sendMs: number }>();
  private readonly mine: Int32Array;
  /** When this router last sent each node a request or re-execution for a model it did not report loaded. */
  private readonly lastColdSendMs: Float64Array;
  private readonly start: AttemptStart = { atMs: 0, rttMs: 0, catalogPrefillMs: 0 };
  /** Client metro indexes of the vantage points. */
  private readonly vantages: number[];
  private readonly held: number[] = [];
  /** Nodes the ledger demotes now. */
  private readonly demoted = new Set<number>();
  private probed = false;
  /** Requests this router sent to each node that have not come back served. */
  private readonly outstanding: Int32Array;
  private readonly speed: SpeedWatch;
  private readonly spots: SpotChecker;

  constructor(
    private readonly net: SimNetwork,
    private readonly metros: readonly ClientMetro[],
    private readonly network: NetworkState,
    private readonly world: SimWorld,
    rng: Rng,
  ) {
    const n = net.nodeCount;
    this.state = {
      quarantinedAtMs: new Float64Array(n).fill(Number.NaN),
      demotedAtMs: new Float64Array(n).fill(Number.NaN),
      ledger: this.ledger,
      reason: new Array<string>(n).fill(''),
      checks: new Int32Array(n * CLAIMS.length),
      contradicted: new Int32Array(n * CLAIMS.length),
      spotChecks: 0,
      mismatches: 0,
    };
    this.vantages = spreadOut(metros, VANTAGES);
    this.outstanding = new Int32Array(n);
    this.mine = new Int32Array(n);
    this.lastColdSendMs = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    const op = net.operator;
    for (let i = 0; i < n; i++) {
      const code = op.codes[i]!;
      if (code >= 0) this.ledger.setOperator(net.topology.ids[i]!, op.values[code]!);
    }
    this.speed = new SpeedWatch(net, world, (i, held, nowMs, view) =>
      this.record(i, 'speed', held, nowMs, view),
    );
    this.spots = new SpotChecker(
      net,
      world,
      rng,
      this.ledger,
      this.state,
      this.lastColdSendMs,
      (i, held, nowMs, view) => this.record(i, 'output', held, nowMs, view),
    );
  }

  /**
   * At every telemetry refresh: probe the nodes once (at registration), check each report against memory
   * and against this router's own requests at the node, release served quarantines.
   */
  refresh(nowMs: number, view: Snapshot): void {
    this.spots.refreshed(view);
    if (!this.probed) {
      this.probed = true;
      for (let i = 0; i < this.net.nodeCount; i++) this.probe(i, nowMs, view);
    }
    this.checkReports(nowMs, view);
    for (let k = this.held.length - 1; k >= 0; k--) {
      const i = this.held[k]!;
      if (this.ledger.isQuarantined(this.net.topology.ids[i]!, nowMs)) continue;
      this.network.setQuarantined(i, false, view);
      this.held.splice(k, 1);
      this.demote(i, nowMs, view);
    }
    // Contradictions decay: a demoted node nobody checks is released after about a half-life.
    for (const i of [...this.demoted]) this.demote(i, nowMs, view);
  }

  /**
   * Attempt `a` of a request for `model` goes to node `i` now. When the node claimed the model warm and a
   * free slot, the start is checked when the first byte is due (`sweep`) or when it is served.
   */
  sent(
    view: Snapshot,
    i: number,
    model: number,
    a: number,
    gen: number,
    nowMs: number,
    withDataset: boolean,
  ): void {
    const d = view.dyn;
    const busy = d.running[i]! + d.queued[i]! + Math.max(0, view.sent[i]! - 1);
    // This router's own requests and re-executions there: the report misses those still on their way.
    const mine = this.outstanding[i]!++ + this.spots.jobsAt(i);
    if (!withDataset) this.flight.set(a, { gen, node: i, sendMs: nowMs });
    const warm = d.tier[i * this.net.modelCount + model] === TIER_GPU;
    const slots = this.net.slots[i]!;
    // A cold model sent here lately may evict this one before it runs: an honest cold start.
    const evictable = nowMs - this.lastColdSendMs[i]! < EVICTION_WINDOW_MS;
    if (!warm) this.lastColdSendMs[i] = nowMs;
    if (!warm || evictable || withDataset || busy >= slots || mine >= slots) return;
    if (!this.world.firstByte(a, gen, this.start)) return;
    const expected = this.start.catalogPrefillMs * d.prefillFactor[i]!;
    const slack = DEFAULT_START_SLACK.absoluteMs + DEFAULT_START_SLACK.prefillMultiple * expected;
    const dueMs = nowMs + this.start.rttMs + expected + slack;
    if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(a, { gen, node: i, model, sendMs: nowMs, rttMs: this.start.rttMs, expected, dueMs });
  }

  /** Checks every start whose first byte is due by now (in send order), and re-measures slow nodes. */
  sweep(nowMs: number, view: Snapshot): void {
    this.speed.sweep(nowMs, view);
    for (const [a, p] of this.pending) {
      if (p.dueMs > nowMs) break;
      this.resolve(a, p, nowMs, view);
    }
  }

  /** A request the router sent was served: check its start if pending, maybe spot-check the output. */
  observe(o: SimOutcome, nowMs: number, view: Snapshot): void {
    if (this.outstanding[o.node]! > 0) this.outstanding[o.node]!--;
    const a = o.attempt ?? -1;
    this.flight.delete(a);
    const p = this.pending.get(a);
    if (p) this.resolve(a, p, nowMs, view);
    this.speed.answer(o, nowMs, view);
    this.spots.see(view);
    if (o.outputDigest !== undefined && o.model !== undefined)
      this.spots.check(o, o.model, o.outputDigest, nowMs);
  }

  private resolve(a: number, p: PendingStart, nowMs: number, view: Snapshot): void {
    this.pending.delete(a);
    if (!this.world.firstByte(a, p.gen, this.start)) return;
    const i = p.node;
    const v = checkStart(
      { warm: true, free: true },
      {
        firstByteMs: Math.min(this.start.atMs, nowMs) - p.sendMs,
        rttMs: p.rttMs,
        expectedPrefillMs: p.expected,
        hostLoadMs: transferMs(this.net.weightsGb[p.model]!, this.net.hostRamGBps[i]!),
      },
    );
    if (!v.checked) return;
    // A prompt start confirms the model was loaded; what the node said of its queue is checked by count.
    if (v.held) {
      this.record(i, 'warm', true, nowMs, view);
      return;
    }
    this.record(i, v.claim, false, nowMs, view);
  }

  /** Every report: resident weights beyond memory (warm), a load below this router's own (queue). */
  private checkReports(nowMs: number, view: Snapshot): void {
    const mine = this.mine;
    mine.fill(0);
    for (const [a, f] of this.flight) {
      if (!this.world.firstByte(a, f.gen, this.start)) this.flight.delete(a);
      else if (nowMs - f.sendMs >= SETTLE_MS) mine[f.node]!++;
    }
    for (const j of this.spots.jobs.values()) if (nowMs - j.sendMs >= SETTLE_MS) mine[j.node]!++;
    const d = view.dyn;
    const t = this.net.topology;
    for (let i = 0; i < this.net.nodeCount; i++) {
      if (d.healthy[i] !== 1 || t.accel[i] === ACCEL_API) continue;
      // A report that fits proves nothing about what is loaded: only an overclaim is evidence.
      if (!residentFits(d.usedGb[i]!, t.memGb[i]!)) this.record(i, 'warm', false, nowMs, view);
      const q = queueHolds(d.running[i]! + d.queued[i]!, mine[i]!, 0);
      if (q !== undefined) this.record(i, 'queue', q, nowMs, view);
    }
  }

  /**
   * This router's own warm-set controller ordered a load or an unload on node `n`: a model there may be
   * evicted or dropped before the next report says so, so a late start on `n` in the window that opens
   * now is the router's doing, not the node's lie.
   */
  ordered(n: number, nowMs: number): void {
    this.lastColdSendMs[n] = nowMs;
  }

  /** Round trips from every vantage point against the fibre floor of the place node `i` claims. */
  private probe(i: number, nowMs: number, view: Snapshot): void {
    const claimed = this.net.nodes[i]!.location;
    const samples = this.vantages.map((m) => ({ from: this.metros[m]!, rttMs: this.world.probeRttMs(m, i) }));
    const refuted = !checkClaimedLocation(claimed, samples, 2, 0.3).consistent;
    this.record(i, 'location', !refuted, nowMs, view);
  }

  private record(i: number, claim: Claim, held: boolean, nowMs: number, view: Snapshot): void {
    const k = i * CLAIMS.length + CLAIMS.indexOf(claim);
    this.state.checks[k]!++;
    if (!held) this.state.contradicted[k]!++;
    const alarmed = this.ledger.record(this.net.topology.ids[i]!, claim, held, nowMs);
    this.demote(i, nowMs, view);
    if (!alarmed) return;
    this.network.setQuarantined(i, true, view);
    this.held.push(i);
    if (Number.isNaN(this.state.quarantinedAtMs[i]!)) {
      this.state.quarantinedAtMs[i] = nowMs;
      this.state.reason[i] = claim;
    }
  }

  /** Marks node `i` demoted in the router's state while the ledger demotes it (the `demoted` scorer). */
  private demote(i: number, nowMs: number, view: Snapshot): void {
    const now = this.ledger.standing(this.net.topology.ids[i]!, nowMs) === 'demoted';
    if (now === this.demoted.has(i)) return;
    this.network.setDemoted(i, now, view);
    if (!now) {
      this.demoted.delete(i);
      return;
    }
    this.demoted.add(i);
    if (Number.isNaN(this.state.demotedAtMs[i]!)) this.state.demotedAtMs[i] = nowMs;
  }
}

/** Indexes of up to `k` metros, each the farthest from those already chosen (starting with the first). */
export function spreadOut(metros: readonly ClientMetro[], k: number): number[] {
  const out: number[] = [];
  if (metros.length === 0) return out;
  out.push(0);
  while (out.length < Math.min(k, metros.length)) {
    let best = 0;
    let bestKm = -1;
    metros.forEach((m, j) => {
      const km = Math.min(...out.map((o) => greatCircleKm(metros[o]!, m)));
      if (km > bestKm) {
        bestKm = km;
        best = j;
      }
    });
    out.push(best);
  }
  return out;
}
