import type { Snapshot } from '../network/state.js';
import { decodeBeganMs, decodeRatio, SlowSpells, type SpeedCheckOptions } from '../trust/speed.js';
import type { SimNetwork } from './network.js';
import type { SimOutcome, SimWorld } from './router-port.js';

/** How often the router re-measures a node in a slow spell with a benchmark of its own (ms). */
export const REMEASURE_MS = 15_000;

/**
 * The router's side of the speed check in the simulator (trust/speed.ts). Every answer of at least two
 * tokens is a measurement of the node's decode against its declared hardware. A node whose answer is
 * more than `limit`× slower than claimed gets nothing more from a router that learned it slow, so the
 * router re-measures it itself every `REMEASURE_MS` with a short benchmark while its spell lasts: a
 * straggler is back to speed within minutes, a speed liar never is. Verdicts go to `record`.
 */
export class SpeedWatch {
  private readonly spells: SlowSpells;
  /** Next re-measurement of each node in a slow spell, in scheduling order. */
  private readonly due = new Map<number, number>();

  constructor(
    private readonly net: SimNetwork,
    private readonly world: SimWorld,
    private readonly record: (node: number, held: boolean, nowMs: number, view: Snapshot) => void,
    options?: SpeedCheckOptions,
  ) {
    this.spells = new SlowSpells(options);
  }

  /** A served answer of the router's own, arrived at `nowMs` (judged at the time its decode began). */
  answer(o: SimOutcome, nowMs: number, view: Snapshot): void {
    const r = decodeRatio(o);
    if (r !== undefined) this.measure(o.node, r, decodeBeganMs(o, nowMs), nowMs, view);
  }

  /** Re-measures the nodes whose benchmark is due by now (healthy, unquarantined ones). */
  sweep(nowMs: number, view: Snapshot): void {
    for (const [i, atMs] of this.due) {
      if (atMs > nowMs) continue;
      this.due.delete(i);
      if (view.dyn.healthy[i] !== 1 || view.dyn.quarantined[i] === 1) {
        this.due.set(i, nowMs + REMEASURE_MS);
        continue;
      }
      const r = this.world.benchmark(i, nowMs);
      if (Number.isFinite(r)) this.measure(i, r, nowMs, nowMs, view);
      else this.due.set(i, nowMs + REMEASURE_MS);
    }
  }

  /** A measurement of node `i`'s decode begun at `atMs`, known at `nowMs`. */
  private measure(i: number, ratio: number, atMs: number, nowMs: number, view: Snapshot): void {
    const id = this.net.topology.ids[i]!;
    const held = this.spells.check(id, ratio, atMs);
    if (held !== undefined) this.record(i, held, nowMs, view);
    if (this.spells.spellSince(id) === undefined) this.due.delete(i);
    else if (!this.due.has(i)) this.due.set(i, nowMs + REMEASURE_MS);
  }
}
