import { erlangCWait } from '../stats/erlang-c.js';
import type { WarmSetAction, WarmSetInput } from './controller.js';

/**
 * Erlangs per slot a model's replicas carry at most in a plan (90% busy); demand beyond it overflows to
 * cold starts. Near full, waits grow faster than the M/M/c sum says: the router pools the slots of many
 * nodes from telemetry seconds old, not as one queue.
 */
export const MAX_CARRIED = 0.9;

/**
 * The warm sets as a plan changes them, with what the controller's economics read kept up to date:
 * per model its replicas and their total slots and slot-weighted service time, per node its memory in
 * use, and per (model, region) the round trips to its nearest and second-nearest replica; expected
 * queueing and round trips are memoised per model until its replicas change (round trips per node's
 * round-trip array, which nodes in one place may share). Every query is then O(1) in the network's size
 * (O(slots) for the Erlang C sum, O(regions) for round trips not yet asked for), so a plan over thousands
 * of nodes stays cheap.
 */
export class WarmPlan {
  /** warm[n]: model indexes resident on node n, in the order they came. */
  readonly warm: Set<number>[];
  readonly actions: WarmSetAction[] = [];
  private readonly replicas: Set<number>[];
  private readonly slots: Float64Array;
  private readonly serviceSlots: Float64Array;
  private readonly used: Float64Array;
  /** Per model: the shortest load time among capable nodes (the cold start a request would pay). */
  readonly coldMs: Float64Array;
  /**
   * Per model: memoised waits by the change asked for (slots added, then slot-weighted service time
   * added), dropped when the model's replicas change.
   */
  private readonly waits: Map<number, Map<number, number>>[];
  /**
   * Per model: memoised round trips with a node added (`plus`) or taken away (`minus`), by the node's
   * round-trip array (nodes in one place may share one), and without change (`base`, NaN: not yet);
   * dropped when the model's replicas change; `sharesPlus` and `sharesMinus`: `reachShare` the same way.
   */
  private readonly plus: Map<readonly number[] | undefined, number>[];
  private readonly minus: Map<readonly number[] | undefined, number>[];
  private readonly base: Float64Array;
  private readonly sharesPlus: Map<readonly number[] | undefined, number>[];
  private readonly sharesMinus: Map<readonly number[] | undefined, number>[];
  /** Per model × regions + region: round trip to the nearest replica and to the second nearest, ms. */
  private readonly nearest: Float64Array;
  private readonly second: Float64Array;
  private readonly regions: number;

  constructor(private readonly input: WarmSetInput) {
    const M = input.models.length;
    this.warm = input.nodes.map((n) => new Set(n.warm));
    this.replicas = Array.from({ length: M }, () => new Set<number>());
    this.slots = new Float64Array(M);
    this.serviceSlots = new Float64Array(M);
    this.used = new Float64Array(input.nodes.length);
    this.coldMs = new Float64Array(M).fill(Number.POSITIVE_INFINITY);
    this.waits = Array.from({ length: M }, () => new Map<number, Map<number, number>>());
    this.plus = Array.from({ length: M }, () => new Map());
    this.minus = Array.from({ length: M }, () => new Map());
    this.base = new Float64Array(M).fill(Number.NaN);
    this.sharesPlus = Array.from({ length: M }, () => new Map());
    this.sharesMinus = Array.from({ length: M }, () => new Map());
    this.regions = input.regions?.length ?? 0;
    this.nearest = new Float64Array(M * this.regions).fill(Number.POSITIVE_INFINITY);
    this.second = new Float64Array(M * this.regions).fill(Number.POSITIVE_INFINITY);
    input.nodes.forEach((node, n) => {
      for (const m of this.warm[n]!) this.count(n, m, 1);
      node.loadMs.forEach((ms, m) => {
        if (ms !== undefined && ms < this.coldMs[m]!) this.coldMs[m] = ms;
      });
    });
  }

  private count(n: number, m: number, sign: 1 | -1): void {
    const node = this.input.nodes[n]!;
    if (sign > 0) this.replicas[m]!.add(n);
    else this.replicas[m]!.delete(n);
    this.slots[m]! += sign * node.slots;
    this.serviceSlots[m]! += sign * (node.serviceMs[m] ?? 0) * node.slots;
    this.used[n]! += sign * this.input.models[m]!.footprintGb;
    this.waits[m]!.clear();
    this.plus[m]!.clear();
    this.minus[m]!.clear();
    this.sharesPlus[m]!.clear();
    this.sharesMinus[m]!.clear();
    this.base[m] = Number.NaN;
    if (this.regions === 0) return;
    // A new replica only shortens round trips; one taken away may lengthen them, so recount all.
    if (sign < 0) {
      this.nearest.fill(Number.POSITIVE_INFINITY, m * this.regions, (m + 1) * this.regions);
      this.second.fill(Number.POSITIVE_INFINITY, m * this.regions, (m + 1) * this.regions);
    }
    for (const k of sign > 0 ? [n] : this.replicas[m]!) this.nearer(m, k);
  }

  /** Counts node n among model m's nearest and second-nearest replicas of each region. */
  private nearer(m: number, n: number): void {
    const R = this.regions;
    const rtt = this.input.nodes[n]!.rttMs;
    for (let r = m * R; r < (m + 1) * R; r++) {
      const d = rtt?.[r - m * R] ?? 0;
      if (d < this.nearest[r]!) {
        this.second[r] = this.nearest[r]!;
        this.nearest[r] = d;
      } else if (d < this.second[r]!) this.second[r] = d;
    }
  }

  add(n: number, m: number): void {
    if (this.warm[n]!.has(m)) return;
    this.warm[n]!.add(m);
    this.count(n, m, 1);
  }

  remove(n: number, m: number): void {
    if (!this.warm[n]!.delete(m)) return;
    this.count(n, m, -1);
  }

  /** Node indexes with model m resident, ascending. */
  replicasOf(m: number): number[] {
    return [...this.replicas[m]!].sort((a, b) => a - b);
  }

  /** Node indexes with model m resident, in no particular order. */
  replicaSet(m: number): ReadonlySet<number> {
    return this.replicas[m]!;
  }

  usedGb(n: number): number {
    return this.used[n]!;
  }

  /** Total slots of model m's replicas. */
  slotsOf(m: number): number {
    return this.slots[m]!;
  }

  /**
   * Whether model m's other replicas carry its demand without node n: its offered load (rps × their
   * slot-weighted service time) within `MAX_CARRIED` of their slots. True for a model with no demand, and
   * when n holds its last replica: then every request pays a cold start, which `queueMs` prices in full.
   */
  carriedWithout(m: number, n: number): boolean {
    const rps = this.input.models[m]!.rps;
    if (rps <= 0) return true;
    const node = this.input.nodes[n]!;
    const slots = this.slots[m]! - node.slots;
    if (slots <= 0) return true;
    const serviceMs = (this.serviceSlots[m]! - (node.serviceMs[m] ?? 0) * node.slots) / slots;
    return (rps * serviceMs) / 1000 <= MAX_CARRIED * slots;
  }

  /**
   * How model m's expected wait (ms over the horizon) changes when node n is added (`change` 1) or taken
   * away (−1): the change in round trips, plus the change in queueing counted only for the share of m's
   * demand that would use n's slots: from regions within `reachMs` of n, or with no other replica within
   * reach (the router sends those far anyway). While m has a replica near a region besides n, a far n adds
   * slots that region's demand would not use; the first or last replica changes every request's wait.
   */
  deltaMs(m: number, n: number, change: -1 | 1): number {
    return (
      this.queueDeltaMs(m, n, change) * this.shareOf(m, n, change) +
      this.transitChangedMs(m, n, change) -
      this.transitBaseMs(m)
    );
  }

  /** The parts of `deltaMs`: the change in queueing, which reads of node n only its slots and service time. */
  queueDeltaMs(m: number, n: number, change: -1 | 1): number {
    return this.queueMs(m, n, change) - this.queueMs(m);
  }

  /** The share of the queueing change that counts, which reads of node n only its round-trip array. */
  shareOf(m: number, n: number, change: -1 | 1): number {
    const others = this.replicas[m]!.size - (change < 0 ? 1 : 0);
    if (others <= 0) return 1;
    const rtt = this.input.nodes[n]!.rttMs;
    const memo = change > 0 ? this.sharesPlus[m]! : this.sharesMinus[m]!;
    let share = memo.get(rtt);
    if (share === undefined) {
      share = this.reachShare(m, n, change);
      memo.set(rtt, share);
    }
    return share;
  }

  /** Round trips with node n added or taken away (`transitMs`), memoised by n's round-trip array. */
  transitChangedMs(m: number, n: number, change: -1 | 1): number {
    const rtt = this.input.nodes[n]!.rttMs;
    const memo = change > 0 ? this.plus[m]! : this.minus[m]!;
    let changed = memo.get(rtt);
    if (changed === undefined) {
      changed = this.transitMs(m, n, change);
      memo.set(rtt, changed);
    }
    return changed;
  }

  /** Round trips as the replicas stand (`transitMs` without change), memoised. */
  transitBaseMs(m: number): number {
    if (Number.isNaN(this.base[m]!)) this.base[m] = this.transitMs(m);
    return this.base[m]!;
  }

  /**
   * Share of model m's regional demand that node n's slots would serve (1 without regions or reach): a
   * region's demand counts when n is within `reachMs` of it, or when m's nearest replica other than n
   * (as the replicas stand, n added or taken away per `change`) is not.
   */
  private reachShare(m: number, n: number, change: -1 | 1): number {
    const byRegion = this.input.models[m]!.regionRps;
    const rtt = this.input.nodes[n]!.rttMs;
    const reach = this.input.reachMs ?? Number.POSITIVE_INFINITY;
    const R = this.regions;
    if (R === 0 || byRegion === undefined || rtt === undefined || reach === Number.POSITIVE_INFINITY)
      return 1;
    let near = 0;
    let all = 0;
    for (let r = 0; r < R; r++) {
      const rps = byRegion[r] ?? 0;
      all += rps;
      const own = rtt[r] ?? 0;
      // n is not yet a replica when added; when taken away, the nearest may be n itself.
      let other = this.nearest[m * R + r]!;
      if (change === -1 && own <= other) other = this.second[m * R + r]!;
      if (own <= reach || other > reach) near += rps;
    }
    return all > 0 ? near / all : 1;
  }

  /**
   * Round trips (ms summed over the horizon's requests) of model m's demand, each region's to its
   * nearest replica, with node n added or taken away as in `deltaMs`; 0 while m has no replica (those
   * requests pay a cold start, which `queueMs` counts) or without regional demand.
   */
  transitMs(m: number, n = -1, change: -1 | 0 | 1 = 0): number {
    const byRegion = this.input.models[m]!.regionRps;
    const R = this.regions;
    if (R === 0 || byRegion === undefined) return 0;
    const count = this.replicas[m]!.size + (n >= 0 ? change : 0);
    if (count <= 0) return 0;
    const rtt = n >= 0 ? this.input.nodes[n]!.rttMs : undefined;
    let total = 0;
    for (let r = 0; r < R; r++) {
      const rps = byRegion[r] ?? 0;
      if (rps <= 0) continue;
      let d = this.nearest[m * R + r]!;
      const own = rtt?.[r] ?? 0;
      if (change === 1) d = Math.min(d, own);
      else if (change === -1 && own <= d) d = this.second[m * R + r]!;
      total += rps * d;
    }
    return (total * this.input.horizonMs) / 1000;
  }

  /**
   * Expected queueing (ms summed over the horizon's requests) of model m's demand on its replicas, with
   * node n added or taken away as in `deltaMs`: an M/M/c queue over their slots at their slot-weighted
   * mean service time, each request's wait capped at the cold start it could pay instead. The replicas
   * carry at most `MAX_CARRIED` erlangs per slot; the demand beyond that overflows and pays the cold
   * start (the router loads the model elsewhere for it). So in overload every slot added still shortens
   * the wait, where a wait capped at the cold start alone would price any one more replica at nothing.
   */
  queueMs(m: number, n = -1, change: -1 | 0 | 1 = 0): number {
    const model = this.input.models[m]!;
    if (model.rps <= 0) return 0;
    const node = n >= 0 ? this.input.nodes[n] : undefined;
    const dSlots = node ? change * node.slots : 0;
    const dService = node ? change * (node.serviceMs[m] ?? 0) * node.slots : 0;
    let memo = this.waits[m]!.get(dSlots);
    if (memo === undefined) {
      memo = new Map();
      this.waits[m]!.set(dSlots, memo);
    }
    const hit = memo.get(dService);
    if (hit !== undefined) return hit;
    const requests = (model.rps * this.input.horizonMs) / 1000;
    const slots = this.slots[m]! + dSlots;
    const cold = this.coldMs[m]!;
    let total: number;
    if (slots <= 0) total = requests * cold;
    else {
      const s = (this.serviceSlots[m]! + dService) / slots;
      const offered = (model.rps * s) / 1000;
      const carried = Math.min(offered, MAX_CARRIED * slots);
      const overflow = 1 - carried / offered;
      total = requests * (overflow * cold + (1 - overflow) * Math.min(s * erlangCWait(slots, carried), cold));
    }
    memo.set(dService, total);
    return total;
  }
}
