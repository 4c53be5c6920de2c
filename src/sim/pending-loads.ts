/**
 * Per node, the one load waiting for memory (the *pending load*) and since when it counts as waiting.
 * A router's load (a request reached the node without its model) makes the node drain once it has
 * waited `drainAfterMs`: the node starts nothing new and may evict models that only have waiting
 * requests, so no load starves. The wait counts afresh whenever a load on the node ends, so a model just
 * loaded serves what waited for it before it can be forced out. A load the warm-set controller ordered
 * waits without draining while the models it ordered out still serve (`ordered`); once they are gone it
 * waits as a router's load does.
 */
export class PendingLoads {
  /** Per node: the model whose load waits for memory, or -1. */
  readonly model: Int32Array;
  /** Per node: when its wait started counting toward the drain (ms). */
  readonly since: Float64Array;
  /** Per node: 1 while the pending load is a controller's order waiting for models ordered out. */
  private readonly ordered: Uint8Array;

  constructor(
    nodes: number,
    private readonly drainAfterMs: number,
  ) {
    this.model = new Int32Array(nodes).fill(-1);
    this.since = new Float64Array(nodes);
    this.ordered = new Uint8Array(nodes);
  }

  /** Makes `m` node `n`'s pending load from `t` when it has none; false when another one waits. */
  wait(n: number, m: number, t: number, ordered: boolean): boolean {
    if (this.model[n]! >= 0) return false;
    this.model[n] = m;
    this.since[n] = t;
    this.ordered[n] = ordered ? 1 : 0;
    return true;
  }

  /** Node `n`'s pending load started or was dropped (the node failed). */
  clear(n: number): void {
    this.model[n] = -1;
  }

  /** A load on node `n` ended at `t`: the pending load's wait counts from now. */
  loadEnded(n: number, t: number): void {
    if (this.model[n]! >= 0) this.since[n] = t;
  }

  /** Node `n` has no model ordered out left: an ordered load now waits as a router's load, from `t`. */
  leavingGone(n: number, t: number): void {
    if (this.ordered[n] === 0) return;
    this.ordered[n] = 0;
    this.since[n] = t;
  }

  /** Whether node `n` drains: a router's load has waited `drainAfterMs`. */
  draining(n: number, t: number): boolean {
    return this.model[n]! >= 0 && this.ordered[n] === 0 && t - this.since[n]! >= this.drainAfterMs;
  }
}
