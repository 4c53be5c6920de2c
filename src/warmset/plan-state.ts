import { erlangCWait } from '../stats/erlang-c.js';
import type { WarmSetAction, WarmSetInput } from './controller.js';

/**
 * The warm sets as a plan changes them, with what the controller's economics read kept up to date:
 * per model its replicas and their total slots and slot-weighted service time, per node its memory in
 * use; expected waits are memoised per model until its replicas change. Every query is then O(1) in the network's
 * size (or O(slots) for the Erlang C sum), so a plan over thousands of nodes stays cheap.
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
  /** Per model: memoised waits by the change asked for, dropped when the model's replicas change. */
  private readonly waits: Map<string, number>[];

  constructor(private readonly input: WarmSetInput) {
    const M = input.models.length;
    this.warm = input.nodes.map((n) => new Set(n.warm));
    this.replicas = Array.from({ length: M }, () => new Set<number>());
    this.slots = new Float64Array(M);
    this.serviceSlots = new Float64Array(M);
    this.used = new Float64Array(input.nodes.length);
    this.coldMs = new Float64Array(M).fill(Number.POSITIVE_INFINITY);
    this.waits = Array.from({ length: M }, () => new Map<string, number>());
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

  usedGb(n: number): number {
    return this.used[n]!;
  }

  /** Total slots of model m's replicas. */
  slotsOf(m: number): number {
    return this.slots[m]!;
  }

  /**
   * Expected total wait (ms) over the horizon of model m's demand on its replicas, with node n added
   * (`change` 1), taken away (−1) or as they are (0): an M/M/c queue over their slots at their
   * slot-weighted mean service time, each request's wait capped at the cold start it could pay instead.
   */
  waitMs(m: number, n = -1, change: -1 | 0 | 1 = 0): number {
    const model = this.input.models[m]!;
    if (model.rps <= 0) return 0;
    const node = n >= 0 ? this.input.nodes[n] : undefined;
    const dSlots = node ? change * node.slots : 0;
    const dService = node ? change * (node.serviceMs[m] ?? 0) * node.slots : 0;
    const key = `${dSlots}|${dService}`;
    const hit = this.waits[m]!.get(key);
    if (hit !== undefined) return hit;
    const requests = (model.rps * this.input.horizonMs) / 1000;
    const slots = this.slots[m]! + dSlots;
    const cold = this.coldMs[m]!;
    let total: number;
    if (slots <= 0) total = requests * cold;
    else {
      const s = (this.serviceSlots[m]! + dService) / slots;
      total = requests * Math.min(s * erlangCWait(slots, (model.rps * s) / 1000), cold);
    }
    this.waits[m]!.set(key, total);
    return total;
  }
}
