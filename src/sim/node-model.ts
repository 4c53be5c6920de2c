import { decodeMs, prefillMs } from '../estimate/service.js';
import type { Rng } from '../util/rng.js';
import { ATT_QUEUED, ATT_RUNNING, ATT_TRAVELLING, type AttemptStore } from './attempts.js';
import type { EventQueue } from './event-queue.js';
import { EV_DONE } from './events.js';
import type { HiddenTruth } from './hidden-truth.js';
import { type SimNetwork, VREQ } from './network.js';
import { NodeMemory } from './node-memory.js';
import {
  DRAIN_AFTER_MS,
  GPU_NONE,
  GPU_RESIDENT,
  REACH_DOWN,
  REACH_OK,
  REACH_UNSERVABLE,
} from './node-states.js';
import { PendingLoads } from './pending-loads.js';

/**
 * The true state of every node: slots, per-model FIFO queues, accelerator memory with LRU eviction and
 * cold starts (see docs/simulator.md, "Node model"; the memory is NodeMemory's, whose arrays this class
 * shows as its own). It schedules its own `loaded` and `done` events; the simulation tells it about
 * arrivals, completions, failures and recoveries.
 */
export class NodeModel {
  readonly up: Uint8Array;
  readonly running: Int32Array;
  readonly waiting: Int32Array;
  /** The memory's own arrays (NodeMemory: GB used per node; per [node * models + model] the state). */
  readonly memUsed: Float64Array;
  readonly hostRamUsed: Float64Array;
  readonly gpu: Uint8Array;
  /** [node * models + model]: 1 for a resident model ordered out that still serves (see `unload`). */
  readonly leaving: Uint8Array;
  readonly store: Uint8Array;
  readonly lastUsed: Float64Array;
  readonly loadEta: Float64Array;
  /** [node * models + model]: requests of the model running on the node. */
  readonly runningCell: Int32Array;
  /**
   * Per node: a model whose load waits for memory (-1: none), and since when it counts as waiting (see
   * `PendingLoads`). Loads evict only models with nothing running or waiting.
   */
  readonly pendingLoad: Int32Array;
  readonly pendingSince: Float64Array;
  private readonly pending: PendingLoads;
  /** Per node: moving average of service times (ms) as the node reports it, 0 until the first request runs. */
  readonly meanServiceMs: Float64Array;
  private readonly memory: NodeMemory;
  private readonly qHead: Int32Array;
  private readonly qTail: Int32Array;
  private readonly atNode: Int32Array;
  private readonly waitingModels: number[][];
  /** Per node: check jobs (fixed service, no weights) waiting for a slot, oldest first. */
  private readonly checks: number[][];
  private orderSeq = 0;

  /** Counters since the start of the run. */
  busySlotMs = 0;
  totalRunning = 0;
  readonly totalSlots: number;

  constructor(
    private readonly net: SimNetwork,
    private readonly attempts: AttemptStore,
    private readonly queue: EventQueue,
    drainAfterMs = DRAIN_AFTER_MS,
    /** How the nodes really differ from the catalog; absent: they do not. */
    private readonly hidden?: HiddenTruth,
    /** Draws the noise on reported service times (`hidden.spec.telemetryNoise`). */
    private readonly telemetryRng?: Rng,
  ) {
    const N = net.nodeCount;
    const M = net.modelCount;
    this.up = new Uint8Array(N).fill(1);
    this.running = new Int32Array(N);
    this.waiting = new Int32Array(N);
    this.runningCell = new Int32Array(N * M);
    this.pending = new PendingLoads(N, drainAfterMs);
    this.pendingLoad = this.pending.model;
    this.pendingSince = this.pending.since;
    this.meanServiceMs = new Float64Array(N);
    this.qHead = new Int32Array(N * M).fill(-1);
    this.qTail = new Int32Array(N * M).fill(-1);
    this.atNode = new Int32Array(N).fill(-1);
    this.waitingModels = Array.from({ length: N }, () => []);
    this.checks = Array.from({ length: N }, () => []);
    const memory = new NodeMemory(net, queue, hidden, this.runningCell, this.qHead);
    this.memory = memory;
    this.memUsed = memory.memUsed;
    this.hostRamUsed = memory.hostRamUsed;
    this.gpu = memory.gpu;
    this.leaving = memory.leaving;
    this.store = memory.store;
    this.lastUsed = memory.lastUsed;
    this.loadEta = memory.loadEta;
    let slots = 0;
    for (let n = 0; n < N; n++) if (net.inference[n]) slots += net.slots[n]!;
    this.totalSlots = slots;
  }

  /** Loads started since the start of the run, and their true durations summed (ms). */
  get coldStarts(): number {
    return this.memory.coldStarts;
  }

  get coldStartMs(): number {
    return this.memory.coldStartMs;
  }

  /** The (node × models + model) cells whose state changed since the last call; clears the list. */
  takeDirty(): number[] {
    return this.memory.takeDirty();
  }

  /** An attempt reaches its node. On REACH_OK it waits or runs; otherwise the caller handles the failure. */
  reach(a: number, t: number): number {
    const att = this.attempts;
    const net = this.net;
    const n = att.node[a]!;
    const m = att.model[a]!;
    if (this.up[n] === 0) return REACH_DOWN;
    if (att.checkMs[a]! > 0) return this.reachCheck(a, n, t);
    const c = n * net.modelCount + m;
    const v = att.vreq[a]!;
    if (!net.capable[c] || !net.nodeMode[n * VREQ + v] || Number.isNaN(net.costFactor[m * VREQ + v]!)) {
      return REACH_UNSERVABLE;
    }
    att.reachT[a] = t;
    att.order[a] = this.orderSeq++;
    this.lastUsed[c] = t;
    this.link(n, a);
    if (this.gpu[c] === GPU_RESIDENT && this.running[n]! < net.slots[n]! && !this.pending.draining(n, t)) {
      this.start(a, n, m, t);
      return REACH_OK;
    }
    att.state[a] = ATT_QUEUED;
    att.qNext[a] = -1;
    if (this.gpu[c] !== GPU_RESIDENT) att.coldWait[a] = 1;
    const tail = this.qTail[c]!;
    if (tail < 0) {
      this.qHead[c] = a;
      this.waitingModels[n]!.push(m);
    } else {
      att.qNext[tail] = a;
    }
    this.qTail[c] = a;
    this.waiting[n]!++;
    if (this.gpu[c] === GPU_NONE && !this.memory.tryLoad(n, m, t, false)) this.pending.wait(n, m, t, false);
    return REACH_OK;
  }

  /**
   * A check job reaches node `n`: it runs at once in a free slot, else waits for one (check jobs start
   * before waiting inference runs: they are short and need no weights).
   */
  private reachCheck(a: number, n: number, t: number): number {
    const att = this.attempts;
    att.reachT[a] = t;
    att.order[a] = this.orderSeq++;
    this.link(n, a);
    if (this.running[n]! < this.net.slots[n]!) {
      this.startCheck(a, n, t);
      return REACH_OK;
    }
    att.state[a] = ATT_QUEUED;
    this.checks[n]!.push(a);
    this.waiting[n]!++;
    return REACH_OK;
  }

  private startCheck(a: number, n: number, t: number): void {
    const att = this.attempts;
    const ms = att.checkMs[a]!;
    this.running[n]!++;
    this.totalRunning++;
    att.state[a] = ATT_RUNNING;
    att.startT[a] = t;
    att.prefill[a] = 0;
    att.endT[a] = t + ms;
    this.busySlotMs += ms;
    this.queue.push(t + ms, EV_DONE, a, att.gen[a]!);
  }

  /** The attempt's service ended at `t`: free its slot and start whatever can start. */
  complete(a: number, t: number): void {
    const n = this.attempts.node[a]!;
    this.running[n]!--;
    this.totalRunning--;
    if (this.attempts.checkMs[a]! === 0) {
      const c = n * this.net.modelCount + this.attempts.model[a]!;
      this.runningCell[c]!--;
      this.lastUsed[c] = t;
    }
    this.unlink(n, a);
    this.dispatch(n, t);
  }

  /** A `loaded` event; false when it is stale (the node failed meanwhile). A pending load's wait restarts. */
  loaded(n: number, m: number, t: number): boolean {
    if (!this.memory.loaded(n, m, t)) return false;
    this.pending.loadEnded(n, t);
    this.dispatch(n, t);
    return true;
  }

  /**
   * A controller's load order: starts loading model `m` on node `n` at `t` (its true cold start) into free
   * memory or memory freed by evicting idle models. Where the memory is held by models the controller
   * ordered out that still serve (`unload`), the load waits for them as the node's pending load (see
   * `PendingLoads`). A load of a model that is leaving keeps it. False when the node is down, cannot hold the model, already has it
   * loading or resident (and not leaving), waits for another load, or could not fit it even once its
   * leaving and idle models were gone.
   */
  preload(n: number, m: number, t: number): boolean {
    const c = n * this.net.modelCount + m;
    if (this.up[n] === 0 || this.net.isApi[n] === 1 || !this.net.capable[c]) return false;
    if (this.gpu[c] === GPU_RESIDENT) return this.memory.keep(n, m);
    if (this.gpu[c] !== GPU_NONE) return false;
    if (this.memory.tryLoad(n, m, t, false)) return true;
    return this.memory.fitsOnceFreed(n, m) && this.pending.wait(n, m, t, true);
  }

  /**
   * A controller's unload order: frees model `m`'s memory on node `n` (its weights stay in host RAM when
   * there is room). A model with requests running or waiting is marked leaving: it serves them, the
   * router's view shows it gone, and it is released when the last one ends. False when it is not resident.
   */
  unload(n: number, m: number): boolean {
    const c = n * this.net.modelCount + m;
    if (this.net.isApi[n] === 1 || this.gpu[c] !== GPU_RESIDENT) return false;
    if (this.runningCell[c]! > 0 || this.qHead[c]! >= 0) this.memory.markLeaving(n, m);
    else this.memory.release(n, m);
    return true;
  }

  /**
   * Node `n` goes down at `t`: every attempt on it fails (pushed to `failed`, their generation bumped so
   * pending `done` events are dropped), its queues empty, and its accelerator memory and host RAM are lost.
   */
  fail(n: number, t: number, failed: number[]): void {
    const att = this.attempts;
    const net = this.net;
    this.up[n] = 0;
    for (let a = this.atNode[n]!; a >= 0; ) {
      const next = att.next[a]!;
      if (att.state[a] === ATT_RUNNING) this.busySlotMs -= Math.max(0, att.endT[a]! - t);
      att.state[a] = ATT_TRAVELLING;
      att.gen[a] = (att.gen[a]! + 1) | 0;
      att.prev[a] = -1;
      att.next[a] = -1;
      failed.push(a);
      a = next;
    }
    this.atNode[n] = -1;
    this.totalRunning -= this.running[n]!;
    this.running[n] = 0;
    this.waiting[n] = 0;
    const M = net.modelCount;
    for (let m = 0; m < M; m++) {
      const c = n * M + m;
      this.runningCell[c] = 0;
      this.qHead[c] = -1;
      this.qTail[c] = -1;
    }
    this.memory.wipe(n);
    this.pending.clear(n);
    this.waitingModels[n] = [];
    this.checks[n] = [];
  }

  recover(n: number): void {
    this.up[n] = 1;
  }

  private start(a: number, n: number, m: number, t: number): void {
    const att = this.attempts;
    const net = this.net;
    // A load of the model that ended after the attempt arrived is one it waited on: also when the model
    // was resident on arrival and evicted for another while the attempt waited.
    if (this.loadEta[n * net.modelCount + m]! > att.reachT[a]!) att.coldWait[a] = 1;
    this.running[n]!++;
    this.runningCell[n * net.modelCount + m]!++;
    this.totalRunning++;
    att.state[a] = ATT_RUNNING;
    att.startT[a] = t;
    const cell = net.perfCell(m, n);
    const cf = net.costFactor[m * VREQ + att.vreq[a]!]! * net.topology.timeFactor(m, n);
    const h = this.hidden;
    const p = prefillMs(net.prefillPer1k[cell]! * (h ? h.prefillAt(n, t) : 1), att.input[a]!, cf);
    const d = decodeMs(
      net.decodePerToken[cell]! * (h ? h.decodeAt(n, t) : 1),
      net.decodeSlope[cell]!,
      att.output[a]!,
      this.running[n]!,
      cf,
    );
    att.prefill[a] = p;
    att.catalogDecode[a] = decodeMs(
      net.decodePerToken[cell]!,
      net.decodeSlope[cell]!,
      1,
      this.running[n]!,
      cf,
    );
    att.endT[a] = t + p + d;
    const mean = this.meanServiceMs[n]!;
    const reported = (p + d) * this.reportNoise();
    this.meanServiceMs[n] = mean === 0 ? reported : 0.9 * mean + 0.1 * reported;
    this.busySlotMs += p + d;
    this.queue.push(t + p + d, EV_DONE, a, att.gen[a]!);
  }

  /** Multiplicative noise on a reported service time: exp(σ·z), 1 without noise. */
  private reportNoise(): number {
    const sigma = this.hidden?.spec.telemetryNoise ?? 0;
    return sigma > 0 && this.telemetryRng ? Math.exp(sigma * this.telemetryRng.normal()) : 1;
  }

  /** True cold start (ms) of model `m` on node `n` from `tier`, with the node's hidden load factor. */
  loadMs(n: number, m: number, tier: number): number {
    return this.memory.loadMs(n, m, tier);
  }

  /**
   * Starts waiting check jobs in free slots, then the pending load if memory allows (evicting models with
   * waiting requests too once the node drains), then loads for other waiting models, then fills free
   * slots with the oldest waiting attempt of a resident model (unless draining).
   */
  private dispatch(n: number, t: number): void {
    const checks = this.checks[n]!;
    while (checks.length > 0 && this.running[n]! < this.net.slots[n]!) {
      this.waiting[n]!--;
      this.startCheck(checks.shift()!, n, t);
    }
    this.memory.releaseLeaving(n);
    if (this.memory.leavingOn(n) === 0) this.pending.leavingGone(n, t);
    const pending = this.pendingLoad[n]!;
    if (pending >= 0) {
      const force = this.pending.draining(n, t);
      if (this.memory.tryLoad(n, pending, t, force)) this.pending.clear(n);
      else if (force) return;
    }
    const wm = this.waitingModels[n]!;
    if (wm.length === 0) return;
    const M = this.net.modelCount;
    for (let i = 0; i < wm.length; i++) {
      const m = wm[i]!;
      if (m === this.pendingLoad[n] || this.gpu[n * M + m] !== GPU_NONE) continue;
      if (!this.memory.tryLoad(n, m, t, false)) this.pending.wait(n, m, t, false);
    }
    const slots = this.net.slots[n]!;
    const att = this.attempts;
    while (this.running[n]! < slots && wm.length > 0) {
      let best = -1;
      let bestOrder = Number.POSITIVE_INFINITY;
      for (let i = 0; i < wm.length; i++) {
        const c = n * M + wm[i]!;
        if (this.gpu[c] !== GPU_RESIDENT) continue;
        const o = att.order[this.qHead[c]!]!;
        if (o < bestOrder) {
          bestOrder = o;
          best = i;
        }
      }
      if (best < 0) return;
      const m = wm[best]!;
      const c = n * M + m;
      const a = this.qHead[c]!;
      const next = att.qNext[a]!;
      this.qHead[c] = next;
      if (next < 0) {
        this.qTail[c] = -1;
        wm.splice(best, 1);
      }
      this.waiting[n]!--;
      this.start(a, n, m, t);
    }
  }

  private link(n: number, a: number): void {
    const att = this.attempts;
    const head = this.atNode[n]!;
    att.prev[a] = -1;
    att.next[a] = head;
    if (head >= 0) att.prev[head] = a;
    this.atNode[n] = a;
  }

  private unlink(n: number, a: number): void {
    const att = this.attempts;
    const p = att.prev[a]!;
    const x = att.next[a]!;
    if (p >= 0) att.next[p] = x;
    else this.atNode[n] = x;
    if (x >= 0) att.prev[x] = p;
    att.prev[a] = -1;
    att.next[a] = -1;
  }
}
