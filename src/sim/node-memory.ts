import type { EventQueue } from './event-queue.js';
import { EV_LOADED } from './events.js';
import type { HiddenTruth } from './hidden-truth.js';
import { type SimNetwork, TIER_GPU, TIER_HOST_RAM, TIER_LOCAL_DISK, TIER_REMOTE } from './network.js';
import { GPU_LOADING, GPU_NONE, GPU_RESIDENT } from './node-states.js';

/**
 * The true memory of every node: which models are resident or loading in accelerator memory, on which
 * storage tier the other models' weights lie (host RAM, local disk, remote), cold starts (a load takes
 * its true time from that tier) and LRU eviction of idle models (see docs/simulator.md, "Node model").
 * The NodeModel decides when a model must load and reads what is resident; this class keeps memory and
 * tiers consistent, schedules the `loaded` events and notes every (node, model) cell that changed.
 */
export class NodeMemory {
  /** Per node: accelerator memory and host RAM holding weights, GB. */
  readonly memUsed: Float64Array;
  readonly hostRamUsed: Float64Array;
  /** [node * models + model]: GPU_NONE, GPU_LOADING or GPU_RESIDENT. */
  readonly gpu: Uint8Array;
  /** [node * models + model]: the storage tier the weights are loaded from. */
  readonly store: Uint8Array;
  /** [node * models + model]: when a request of the model last reached or left the node (eviction order). */
  readonly lastUsed: Float64Array;
  /** [node * models + model]: when a load under way ends. */
  readonly loadEta: Float64Array;
  /**
   * [node * models + model]: 1 for a resident model the controller ordered out while it was in use: it
   * finishes what it runs and what waits for it, then leaves (`releaseLeaving`); the router's view shows
   * it gone from the order on.
   */
  readonly leaving: Uint8Array;
  /** Counters since the start of the run. */
  coldStarts = 0;
  coldStartMs = 0;
  private readonly residentModels: number[][];
  /** Per node: resident models marked leaving. */
  private readonly leavingCount: Int32Array;
  /** (node, model) cells whose accelerator state or storage tier changed since `takeDirty`. */
  private dirty: number[] = [];
  private readonly dirtyFlag: Uint8Array;

  constructor(
    private readonly net: SimNetwork,
    private readonly queue: EventQueue,
    private readonly hidden: HiddenTruth | undefined,
    /** What is in use, read by eviction: requests running per cell; each cell's queue head (≥ 0: waiting). */
    private readonly runningCell: Int32Array,
    private readonly qHead: Int32Array,
  ) {
    const N = net.nodeCount;
    const M = net.modelCount;
    this.memUsed = new Float64Array(N);
    this.hostRamUsed = new Float64Array(N);
    this.gpu = new Uint8Array(N * M);
    this.store = new Uint8Array(N * M).fill(TIER_REMOTE);
    this.lastUsed = new Float64Array(N * M);
    this.loadEta = new Float64Array(N * M);
    this.leaving = new Uint8Array(N * M);
    this.leavingCount = new Int32Array(N);
    this.residentModels = Array.from({ length: N }, () => []);
    this.dirtyFlag = new Uint8Array(N * M);
    for (let n = 0; n < N; n++) this.initNode(n);
  }

  /** Resident weights as the scenario declares them (GPU holdings that do not fit go to host RAM). */
  private initNode(n: number): void {
    const net = this.net;
    const M = net.modelCount;
    for (let m = 0; m < M; m++) {
      const c = n * M + m;
      if (net.isApi[n] === 1) {
        if (net.capable[c]) this.gpu[c] = GPU_RESIDENT;
        continue;
      }
      const tier = net.initialTier[c]!;
      const w = net.weightsGb[m]!;
      if (tier === TIER_GPU && net.capable[c] && this.memUsed[n]! + w <= net.memoryGb[n]!) {
        this.gpu[c] = GPU_RESIDENT;
        this.memUsed[n]! += w;
        this.residentModels[n]!.push(m);
        this.store[c] = this.toHostRam(n, w) ? TIER_HOST_RAM : TIER_LOCAL_DISK;
      } else if (tier === TIER_GPU || tier === TIER_HOST_RAM) {
        this.store[c] = this.toHostRam(n, w) ? TIER_HOST_RAM : TIER_LOCAL_DISK;
      } else {
        this.store[c] = tier;
      }
      if (tier !== TIER_REMOTE) this.markDirty(c);
    }
  }

  private markDirty(c: number): void {
    if (this.dirtyFlag[c] === 1) return;
    this.dirtyFlag[c] = 1;
    this.dirty.push(c);
  }

  /** The (node × models + model) cells whose state changed since the last call; clears the list. */
  takeDirty(): number[] {
    const out = this.dirty;
    this.dirty = [];
    for (const c of out) this.dirtyFlag[c] = 0;
    return out;
  }

  private toHostRam(n: number, w: number): boolean {
    if (this.hostRamUsed[n]! + w > this.net.hostRamGb[n]!) return false;
    this.hostRamUsed[n]! += w;
    return true;
  }

  /** True cold start (ms) of model `m` on node `n` from `tier`, with the node's hidden load factor. */
  loadMs(n: number, m: number, tier: number): number {
    return this.net.loadMs(n, m, tier, this.hidden ? this.hidden.load[n]! : 1);
  }

  /** A `loaded` event: the model is resident now; false when it is stale (the node failed meanwhile). */
  loaded(n: number, m: number, t: number): boolean {
    const c = n * this.net.modelCount + m;
    if (this.gpu[c] !== GPU_LOADING || this.loadEta[c] !== t) return false;
    this.gpu[c] = GPU_RESIDENT;
    if (this.store[c] === TIER_REMOTE) this.store[c] = TIER_LOCAL_DISK;
    this.markDirty(c);
    return true;
  }

  /** Starts loading model `m` on node `n` when memory is free or can be freed by evicting (see `evict`). */
  tryLoad(n: number, m: number, t: number, force: boolean): boolean {
    const net = this.net;
    const c = n * net.modelCount + m;
    const w = net.weightsGb[m]!;
    if (this.memUsed[n]! + w > net.memoryGb[n]! && !this.evict(n, w, force)) return false;
    const ms = this.loadMs(n, m, this.store[c]!);
    this.gpu[c] = GPU_LOADING;
    this.markDirty(c);
    this.memUsed[n]! += w;
    this.loadEta[c] = t + ms;
    this.residentModels[n]!.push(m);
    this.coldStarts++;
    this.coldStartMs += ms;
    this.queue.push(t + ms, EV_LOADED, n, m);
    return true;
  }

  /**
   * Evicts resident models with nothing running and nothing waiting (with `force`: nothing running),
   * least recently used first, until `need` GB fit; false (and no eviction) if they cannot. Waiting
   * requests of an evicted model load it again later.
   */
  private evict(n: number, need: number, force: boolean): boolean {
    const net = this.net;
    const M = net.modelCount;
    const rm = this.residentModels[n]!;
    const idle: number[] = [];
    let freeable = net.memoryGb[n]! - this.memUsed[n]!;
    for (const m of rm) {
      const c = n * M + m;
      if (this.gpu[c] === GPU_RESIDENT && this.runningCell[c] === 0 && (force || this.qHead[c]! < 0)) {
        idle.push(m);
        freeable += net.weightsGb[m]!;
      }
    }
    if (freeable < need) return false;
    idle.sort((x, y) => this.lastUsed[n * M + x]! - this.lastUsed[n * M + y]! || x - y);
    for (const m of idle) {
      if (this.memUsed[n]! + need <= net.memoryGb[n]!) break;
      this.release(n, m);
    }
    return true;
  }

  /** Resident model `m` on node `n` leaves once nothing runs or waits for it (see `leaving`). */
  markLeaving(n: number, m: number): void {
    const c = n * this.net.modelCount + m;
    if (this.gpu[c] !== GPU_RESIDENT || this.leaving[c] === 1) return;
    this.leaving[c] = 1;
    this.leavingCount[n]!++;
    this.markDirty(c);
  }

  /** A load order for resident model `m`: it stays if it was leaving (true); false when it was not. */
  keep(n: number, m: number): boolean {
    const c = n * this.net.modelCount + m;
    if (this.leaving[c] !== 1) return false;
    this.leaving[c] = 0;
    this.leavingCount[n]!--;
    this.markDirty(c);
    return true;
  }

  /** Whether model `m` would fit on node `n` once its leaving models and its idle ones were released. */
  fitsOnceFreed(n: number, m: number): boolean {
    const net = this.net;
    const M = net.modelCount;
    let free = net.memoryGb[n]! - this.memUsed[n]!;
    for (const k of this.residentModels[n]!) {
      const c = n * M + k;
      if (this.gpu[c] !== GPU_RESIDENT) continue;
      if (this.leaving[c] === 1 || this.unused(c)) free += net.weightsGb[k]!;
    }
    return net.weightsGb[m]! <= free;
  }

  /** Whether cell `c`'s model has nothing running and nothing waiting. */
  private unused(c: number): boolean {
    return this.runningCell[c] === 0 && this.qHead[c]! < 0;
  }

  /** How many of node `n`'s resident models are leaving. */
  leavingOn(n: number): number {
    return this.leavingCount[n]!;
  }

  /** Releases node `n`'s leaving models that have nothing running and nothing waiting. */
  releaseLeaving(n: number): void {
    if (this.leavingCount[n] === 0) return;
    const M = this.net.modelCount;
    const rm = this.residentModels[n]!;
    for (let i = rm.length - 1; i >= 0; i--) {
      const m = rm[i]!;
      const c = n * M + m;
      if (this.leaving[c] === 1 && this.unused(c)) this.release(n, m);
    }
  }

  /** Takes resident model `m` out of node `n`'s accelerator memory; its weights go to host RAM when it has room. */
  release(n: number, m: number): void {
    const c = n * this.net.modelCount + m;
    if (this.leaving[c] === 1) {
      this.leaving[c] = 0;
      this.leavingCount[n]!--;
    }
    const w = this.net.weightsGb[m]!;
    const rm = this.residentModels[n]!;
    this.gpu[c] = GPU_NONE;
    this.markDirty(c);
    this.memUsed[n]! -= w;
    rm.splice(rm.indexOf(m), 1);
    if (this.store[c]! > TIER_HOST_RAM)
      this.store[c] = this.toHostRam(n, w) ? TIER_HOST_RAM : TIER_LOCAL_DISK;
  }

  /** Node `n` went down: its accelerator memory and host RAM are lost (weights on disk stay). */
  wipe(n: number): void {
    const net = this.net;
    const M = net.modelCount;
    if (net.isApi[n] !== 1) {
      for (let m = 0; m < M; m++) {
        const c = n * M + m;
        if (this.gpu[c] !== GPU_NONE || this.store[c] === TIER_HOST_RAM) this.markDirty(c);
        this.gpu[c] = GPU_NONE;
        this.leaving[c] = 0;
        if (this.store[c] === TIER_HOST_RAM) this.store[c] = TIER_LOCAL_DISK;
      }
    }
    this.memUsed[n] = 0;
    this.hostRamUsed[n] = 0;
    this.leavingCount[n] = 0;
    this.residentModels[n] = [];
  }
}
