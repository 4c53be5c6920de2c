import type { WarmSetInput } from './controller.js';
import type { WarmPlan } from './plan-state.js';

/** Loading model m onto node n: what it saves and what it costs over the horizon (ms), and what it evicts. */
export interface Candidate {
  readonly n: number;
  readonly m: number;
  readonly gain: number;
  readonly cost: number;
  readonly evict: readonly number[];
}

const NONE: readonly number[] = [];
/** `LoadTable.top` of a row that must be scanned again. */
const STALE = -2;

/**
 * Every load the controller could make next — each busy model onto each node that can take it — with its
 * gain and cost as the plan stands, kept up to date as the plan changes rather than priced anew for each
 * choice (a plan over 5,000 nodes and 54 models makes hundreds of loads).
 *
 * What a load of m on n gains depends only on m's replicas (`WarmPlan.deltaMs`); what it costs depends
 * only on n: its free memory and resident models, the price of evicting each (from that model's replicas)
 * and the demand it serves (from its resident models' slots). So when a load of m on n evicts E, the
 * gains of m and of E are priced again on every node, and the costs on n and on every node that holds m
 * or a model of E; every other entry is what pricing it again would give, to the bit.
 */
export class LoadTable {
  private readonly N: number;
  /** Per `row × N + node`: 1 when the load is possible (capable, not resident, fits after evictions). */
  private readonly ok: Uint8Array;
  private readonly gain: Float64Array;
  private readonly cost: Float64Array;
  /** What the evictions alone cost (independence loads never evict a model worth more than they gain). */
  private readonly evictCost: Float64Array;
  private readonly evict: (readonly number[])[];
  /** Per model index: its row, or −1 when it is not busy. */
  private readonly rowOf: Int32Array;
  /**
   * What a load's gain reads of a node, as classes of nodes alike in it: per node its round-trip array's
   * class (`place`), per `row × N + node` its class by slots and service time of the row's model
   * (`speed`), and one node of each class (`places`, and `speeds` per row).
   */
  private readonly place: Int32Array;
  private readonly places: number[] = [];
  private readonly speed: Int32Array;
  private readonly speeds: number[][];
  /**
   * Per row: its best node as `best(b)` would scan it (−1: none possible), or −2 when it must be scanned
   * again. A load reprices a few rows' gains (scanned again) and a few nodes' costs (each compared with
   * the row's best), so the economic loop reads one entry per row instead of scanning every node.
   */
  private readonly top: Int32Array;

  constructor(
    private readonly input: WarmSetInput,
    private readonly plan: WarmPlan,
    /** The models loads are priced for (the busy ones), one row each. */
    readonly busy: readonly number[],
  ) {
    const N = input.nodes.length;
    const size = busy.length * N;
    this.N = N;
    this.ok = new Uint8Array(size);
    this.gain = new Float64Array(size);
    this.cost = new Float64Array(size);
    this.evictCost = new Float64Array(size);
    this.evict = new Array<readonly number[]>(size).fill(NONE);
    this.rowOf = new Int32Array(input.models.length).fill(-1);
    this.place = new Int32Array(N);
    const seen = new Map<readonly number[] | undefined, number>();
    input.nodes.forEach((node, n) => {
      let c = seen.get(node.rttMs);
      if (c === undefined) {
        c = this.places.length;
        this.places.push(n);
        seen.set(node.rttMs, c);
      }
      this.place[n] = c;
    });
    const slots = new Map<number, number>();
    const slotClass = Int32Array.from(input.nodes, (node) => {
      let c = slots.get(node.slots);
      if (c === undefined) slots.set(node.slots, (c = slots.size));
      return c;
    });
    this.speed = new Int32Array(size);
    this.top = new Int32Array(busy.length).fill(STALE);
    this.speeds = busy.map((m, b) => {
      this.rowOf[m] = b;
      return this.classify(b, slotClass, slots.size);
    });
    for (let b = 0; b < busy.length; b++) this.priceGains(b);
    for (let n = 0; n < N; n++) this.priceCosts(n);
  }

  /**
   * The best load of row b's model by gain − cost (the lowest node index among equals). With `domains`,
   * only nodes outside them qualify, and only loads whose evictions cost less than the load gains.
   */
  best(b: number, domains?: ReadonlySet<string>): Candidate | undefined {
    const { N, ok, gain, cost } = this;
    if (domains === undefined && this.top[b] !== STALE) {
      const n = this.top[b]!;
      return n < 0 ? undefined : this.candidate(b, n);
    }
    let bn = -1;
    let bv = 0;
    for (let n = 0, i = b * N; n < N; n++, i++) {
      if (ok[i] === 0) continue;
      if (domains !== undefined) {
        if (domains.has(this.input.nodes[n]!.domain) || this.evictCost[i]! > gain[i]!) continue;
      }
      const v = gain[i]! - cost[i]!;
      if (bn < 0 || v > bv) {
        bn = n;
        bv = v;
      }
    }
    if (domains === undefined) this.top[b] = bn;
    if (bn < 0) return undefined;
    return this.candidate(b, bn);
  }

  private candidate(b: number, n: number): Candidate {
    const i = b * this.N + n;
    return { n, m: this.busy[b]!, gain: this.gain[i]!, cost: this.cost[i]!, evict: this.evict[i]! };
  }

  /** Loading row b's model on node n as priced now (undefined: not possible). */
  entry(b: number, n: number): Candidate | undefined {
    const i = b * this.N + n;
    if (this.ok[i] === 0) return undefined;
    return this.candidate(b, n);
  }

  /** After `c` was applied to the plan: prices again every entry it changed. */
  applied(c: Candidate): void {
    const changed = [c.m, ...c.evict];
    const nodes = new Set<number>([c.n]);
    for (const m of changed) {
      const b = this.rowOf[m]!;
      if (b >= 0) this.priceGains(b);
      for (const n of this.plan.replicaSet(m)) nodes.add(n);
    }
    for (const n of nodes) this.priceCosts(n);
  }

  /** Sorts the nodes that could load row b's model by slots and service time of it; one node of each class. */
  private classify(b: number, slotClass: Int32Array, slotClasses: number): number[] {
    const m = this.busy[b]!;
    const { N, input } = this;
    // Class of (service time, slots): its service time's index × slot classes + the slot class.
    const services = new Map<number, number>();
    const classOf: number[] = [];
    const first: number[] = [];
    for (let n = 0; n < N; n++) {
      const node = input.nodes[n]!;
      if (node.loadMs[m] === undefined) continue;
      const service = node.serviceMs[m] ?? 0;
      let s = services.get(service);
      if (s === undefined) {
        s = services.size;
        services.set(service, s);
      }
      const key = s * slotClasses + slotClass[n]!;
      let c = classOf[key];
      if (c === undefined) {
        c = first.length;
        first.push(n);
        classOf[key] = c;
      }
      this.speed[b * N + n] = c;
    }
    return first;
  }

  /**
   * What loading row b's model on each node that could take it saves: `WarmPlan.deltaMs`, its parts
   * priced once per class of the nodes they read and put together per node as it does.
   */
  private priceGains(b: number): void {
    const m = this.busy[b]!;
    const { N, plan, gain, speed, place } = this;
    this.top[b] = STALE;
    const queue = this.speeds[b]!.map((n) => plan.queueDeltaMs(m, n, 1));
    const share = this.places.map((n) => plan.shareOf(m, n, 1));
    const transit = this.places.map((n) => plan.transitChangedMs(m, n, 1));
    const base = plan.transitBaseMs(m);
    const nodes = this.input.nodes;
    for (let n = 0, i = b * N; n < N; n++, i++) {
      if (nodes[n]!.loadMs[m] === undefined) continue;
      const p = place[n]!;
      gain[i] = -(queue[speed[i]!]! * share[p]! + transit[p]! - base);
    }
  }

  /**
   * What loading each busy model on node n costs: the load itself, the requests it holds up while it
   * loads (its served demand waits half the load on average) and the models it must evict to fit,
   * cheapest first.
   */
  private priceCosts(n: number): void {
    const { input, plan, N } = this;
    const node = input.nodes[n]!;
    const set = plan.warm[n]!;
    const freeNow = node.memoryGb - plan.usedGb(n);
    const slotsNow = node.maxResident - set.size;
    const served = this.servedRps(n);
    let priced: { k: number; cost: number }[] | undefined;
    for (let b = 0, i = n; b < this.busy.length; b++, i += N) {
      const m = this.busy[b]!;
      const loadMs = node.loadMs[m];
      const need = input.models[m]!.footprintGb;
      this.ok[i] = 0;
      if (loadMs === undefined || set.has(m) || need > node.memoryGb) continue;
      let evict = NONE;
      let evictMs = 0;
      if (freeNow < need || slotsNow < 1) {
        priced ??= this.evictionPrices(n);
        let free = freeNow;
        let slotsLeft = slotsNow;
        const models: number[] = [];
        for (const p of priced) {
          if ((free >= need && slotsLeft >= 1) || p.cost === Number.POSITIVE_INFINITY) break;
          models.push(p.k);
          evictMs += p.cost;
          free += input.models[p.k]!.footprintGb;
          slotsLeft++;
        }
        if (free < need || slotsLeft < 1) continue;
        evict = models;
      }
      const blocked = (served * loadMs * loadMs) / 2 / 1000;
      this.ok[i] = 1;
      this.evict[i] = evict;
      this.evictCost[i] = evictMs;
      this.cost[i] = evictMs + blocked + loadMs;
    }
    for (let b = 0; b < this.busy.length; b++) this.compareWithTop(b, n);
  }

  /**
   * Keeps row b's best up to date after node n's entry changed: n becomes the best when it now beats it
   * (or equals it from a lower index); when n was the best, the row is scanned again on the next `best`.
   */
  private compareWithTop(b: number, n: number): void {
    const top = this.top[b]!;
    if (top === STALE) return;
    if (top === n) {
      this.top[b] = STALE;
      return;
    }
    const i = b * this.N + n;
    if (this.ok[i] === 0) return;
    if (top < 0) {
      this.top[b] = n;
      return;
    }
    const v = this.gain[i]! - this.cost[i]!;
    const j = b * this.N + top;
    const w = this.gain[j]! - this.cost[j]!;
    if (v > w || (v === w && n < top)) this.top[b] = n;
  }

  /**
   * What evicting each model resident on node n costs, cheapest first: the longer wait of its demand, and
   * each request the node served of it over the horizon paying its reload here. A replica whose model's
   * other replicas would not carry its demand is not evicted (cost Infinity): priced by reach, a far
   * replica looks free to evict, yet with the near ones full the router sends the overflow there; and
   * in a full network the overflow finds no node to load on, only a longer queue.
   */
  private evictionPrices(n: number): { k: number; cost: number }[] {
    const node = this.input.nodes[n]!;
    const priced = [...this.plan.warm[n]!].map((k) => {
      if (!this.plan.carriedWithout(k, n)) return { k, cost: Number.POSITIVE_INFINITY };
      const queueing = this.plan.deltaMs(k, n, -1);
      const served = ((node.servedRps?.[k] ?? 0) * this.input.horizonMs) / 1000;
      return { k, cost: queueing + served * (node.loadMs[k] ?? 0) };
    });
    return priced.sort((a, b) => a.cost - b.cost);
  }

  /** Requests/s node n serves now: its slot share of the demand of each model resident on it. */
  private servedRps(n: number): number {
    let rps = 0;
    for (const k of this.plan.warm[n]!) {
      const slots = this.plan.slotsOf(k);
      if (slots > 0) rps += (this.input.models[k]!.rps * this.input.nodes[n]!.slots) / slots;
    }
    return rps;
  }
}
