import { pairKey } from './warm-commands.js';

/**
 * Requests/s this coordinator's gateway had each (node, model) serve lately: counts folded, at each
 * plan, into a rate averaged exponentially with a time constant of the planner's horizon (the span it
 * prices an eviction over), as the simulator's controller averages the router's sends. What it evicts
 * from a node, the planner charges each such request a reload there (`servedRps` in
 * warmset/controller.ts). In a cluster each coordinator shares the answers its own gateway delivered
 * (`takeOwn`, on the load messages of cluster-load.ts) and adds the others' (`addShared`), so the one
 * that plans counts every coordinator's.
 */
export class ServedRates {
  /** `node \0 model` → requests since the last fold, and the averaged rate. */
  private readonly pairs = new Map<string, { count: number; rps: number }>();
  /** This coordinator's own answers per pair since the last `takeOwn`. */
  private own = new Map<string, number>();
  private since: number | undefined;

  /** This coordinator's gateway delivered an answer from `node` for `model`. */
  add(node: string, model: string): void {
    const k = pairKey(node, model);
    this.count(k, 1);
    this.own.set(k, (this.own.get(k) ?? 0) + 1);
  }

  /** Answers another coordinator delivered, by pair key (as `takeOwn` gives them). */
  addShared(key: string, n: number): void {
    if (key.includes(pairKey('', '')) && Number.isFinite(n) && n > 0) this.count(key, n);
  }

  /** This coordinator's own answers per pair key since the last call, to share. */
  takeOwn(): [string, number][] {
    const out = [...this.own];
    if (out.length > 0) this.own = new Map();
    return out;
  }

  private count(k: string, n: number): void {
    const p = this.pairs.get(k);
    if (p === undefined) this.pairs.set(k, { count: n, rps: 0 });
    else p.count += n;
  }

  /**
   * Folds the counts since the last call into the rates at `now` (time constant `horizonMs`); pairs whose
   * rate has fallen under 1e-6 requests/s are dropped. The first call starts the clock: its span is taken
   * as one second.
   */
  fold(now: number, horizonMs: number): void {
    const spanS = Math.max(1, this.since === undefined ? 1 : (now - this.since) / 1000);
    const keep = Math.exp(-(spanS * 1000) / horizonMs);
    for (const [k, p] of this.pairs) {
      p.rps = keep * p.rps + ((1 - keep) * p.count) / spanS;
      p.count = 0;
      if (p.rps < 1e-6) this.pairs.delete(k);
    }
    this.since = now;
  }

  /** The averaged rate of (node, model) at the last fold; 0 when it served none lately. */
  rps(node: string, model: string): number {
    return this.pairs.get(pairKey(node, model))?.rps ?? 0;
  }
}
