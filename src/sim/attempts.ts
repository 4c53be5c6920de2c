import { growF64, growI32, growU8, IdPool } from './pool.js';

export const ATT_FREE = 0;
export const ATT_TRAVELLING = 1;
export const ATT_QUEUED = 2;
export const ATT_RUNNING = 3;

/**
 * Live attempts (one send of a request to one node) in parallel typed arrays. `gen` grows every time an
 * attempt id is reused or the attempt fails, so events scheduled for an older life are recognised and
 * dropped.
 */
export class AttemptStore {
  private readonly ids = new IdPool();
  private cap: number;
  req: Int32Array;
  node: Int32Array;
  model: Int32Array;
  gen: Int32Array;
  input: Int32Array;
  output: Int32Array;
  vreq: Int32Array;
  state: Uint8Array;
  sendT: Float64Array;
  reachT: Float64Array;
  startT: Float64Array;
  prefill: Float64Array;
  /** Catalog ms per output token at the batch the attempt started in (factor 1), for learners. */
  catalogDecode: Float64Array;
  /** Time service ends (set when it starts). */
  endT: Float64Array;
  /** FIFO order at the node across models. */
  order: Float64Array;
  /** Next attempt in the (node, model) waiting queue. */
  qNext: Int32Array;
  /**
   * 1 when the attempt waited on a load of its model: it reached its node without the model resident, or
   * the model was evicted and loaded again while it waited.
   */
  coldWait: Uint8Array;
  /**
   * A check job's fixed service time (ms; a proof check on a verifier): it needs a slot but no model
   * weights. 0 for an inference run.
   */
  checkMs: Float64Array;
  /** Doubly linked list of the attempts at one node (waiting or running). */
  prev: Int32Array;
  next: Int32Array;

  constructor(capacity = 1024) {
    const c = (this.cap = capacity);
    this.req = new Int32Array(c);
    this.node = new Int32Array(c);
    this.model = new Int32Array(c);
    this.gen = new Int32Array(c);
    this.input = new Int32Array(c);
    this.output = new Int32Array(c);
    this.vreq = new Int32Array(c);
    this.state = new Uint8Array(c);
    this.sendT = new Float64Array(c);
    this.reachT = new Float64Array(c);
    this.startT = new Float64Array(c);
    this.prefill = new Float64Array(c);
    this.catalogDecode = new Float64Array(c);
    this.endT = new Float64Array(c);
    this.order = new Float64Array(c);
    this.qNext = new Int32Array(c);
    this.coldWait = new Uint8Array(c);
    this.checkMs = new Float64Array(c);
    this.prev = new Int32Array(c);
    this.next = new Int32Array(c);
  }

  get live(): number {
    return this.ids.live;
  }

  alloc(): number {
    const a = this.ids.alloc(this.cap, (needed) => this.grow(needed));
    this.gen[a] = (this.gen[a]! + 1) | 0;
    this.state[a] = ATT_TRAVELLING;
    this.qNext[a] = -1;
    this.coldWait[a] = 0;
    this.checkMs[a] = 0;
    this.prev[a] = -1;
    this.next[a] = -1;
    return a;
  }

  release(a: number): void {
    this.state[a] = ATT_FREE;
    this.gen[a] = (this.gen[a]! + 1) | 0;
    this.ids.release(a);
  }

  private grow(needed: number): void {
    let c = this.cap;
    while (c < needed) c *= 2;
    this.cap = c;
    this.req = growI32(this.req, c);
    this.node = growI32(this.node, c);
    this.model = growI32(this.model, c);
    this.gen = growI32(this.gen, c);
    this.input = growI32(this.input, c);
    this.output = growI32(this.output, c);
    this.vreq = growI32(this.vreq, c);
    this.state = growU8(this.state, c);
    this.sendT = growF64(this.sendT, c);
    this.reachT = growF64(this.reachT, c);
    this.startT = growF64(this.startT, c);
    this.prefill = growF64(this.prefill, c);
    this.catalogDecode = growF64(this.catalogDecode, c);
    this.endT = growF64(this.endT, c);
    this.order = growF64(this.order, c);
    this.qNext = growI32(this.qNext, c);
    this.coldWait = growU8(this.coldWait, c);
    this.checkMs = growF64(this.checkMs, c);
    this.prev = growI32(this.prev, c);
    this.next = growI32(this.next, c);
  }
}
