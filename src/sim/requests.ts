import { growF64, growI32, growU8, IdPool } from './pool.js';

/** Most nodes a decision can name for one request (primary + fallbacks). */
export const MAX_CANDIDATES = 8;
/** Most verifiers recorded per request. */
export const MAX_VERIFIERS = 4;

/** Live requests in parallel typed arrays; ids are recycled once a request is settled. */
export class RequestStore {
  private readonly ids = new IdPool();
  private cap: number;
  arrival: Float64Array;
  deadline: Float64Array;
  lbE2e: Float64Array;
  lbTtft: Float64Array;
  /** When the router last decided on the request, and the completion time it then predicted (NaN: none). */
  decidedAt: Float64Array;
  predictedDone: Float64Array;
  metro: Int32Array;
  model: Int32Array;
  input: Int32Array;
  output: Int32Array;
  vreq: Int32Array;
  dataset: Int32Array;
  /** Candidate nodes [id * MAX_CANDIDATES + k], their count and the next one to try. */
  cand: Int32Array;
  candCount: Int32Array;
  nextCand: Int32Array;
  verifiers: Int32Array;
  verifierCount: Int32Array;
  /** Attempts on their way or at a node. */
  outstanding: Int32Array;
  reroutes: Int32Array;
  /** 1 once served. */
  done: Uint8Array;
  /** 1 when the first decision carried a fallback independent of the primary. */
  independentFallback: Uint8Array;

  constructor(capacity = 1024) {
    const c = (this.cap = capacity);
    this.arrival = new Float64Array(c);
    this.deadline = new Float64Array(c);
    this.lbE2e = new Float64Array(c);
    this.lbTtft = new Float64Array(c);
    this.decidedAt = new Float64Array(c);
    this.predictedDone = new Float64Array(c);
    this.metro = new Int32Array(c);
    this.model = new Int32Array(c);
    this.input = new Int32Array(c);
    this.output = new Int32Array(c);
    this.vreq = new Int32Array(c);
    this.dataset = new Int32Array(c);
    this.cand = new Int32Array(c * MAX_CANDIDATES);
    this.candCount = new Int32Array(c);
    this.nextCand = new Int32Array(c);
    this.verifiers = new Int32Array(c * MAX_VERIFIERS);
    this.verifierCount = new Int32Array(c);
    this.outstanding = new Int32Array(c);
    this.reroutes = new Int32Array(c);
    this.done = new Uint8Array(c);
    this.independentFallback = new Uint8Array(c);
  }

  get live(): number {
    return this.ids.live;
  }

  alloc(): number {
    const r = this.ids.alloc(this.cap, (needed) => this.grow(needed));
    this.candCount[r] = 0;
    this.nextCand[r] = 0;
    this.verifierCount[r] = 0;
    this.outstanding[r] = 0;
    this.reroutes[r] = 0;
    this.done[r] = 0;
    this.independentFallback[r] = 0;
    return r;
  }

  release(r: number): void {
    this.ids.release(r);
  }

  private grow(needed: number): void {
    let c = this.cap;
    while (c < needed) c *= 2;
    this.cap = c;
    this.arrival = growF64(this.arrival, c);
    this.deadline = growF64(this.deadline, c);
    this.lbE2e = growF64(this.lbE2e, c);
    this.lbTtft = growF64(this.lbTtft, c);
    this.decidedAt = growF64(this.decidedAt, c);
    this.predictedDone = growF64(this.predictedDone, c);
    this.metro = growI32(this.metro, c);
    this.model = growI32(this.model, c);
    this.input = growI32(this.input, c);
    this.output = growI32(this.output, c);
    this.vreq = growI32(this.vreq, c);
    this.dataset = growI32(this.dataset, c);
    this.cand = growI32(this.cand, c * MAX_CANDIDATES);
    this.candCount = growI32(this.candCount, c);
    this.nextCand = growI32(this.nextCand, c);
    this.verifiers = growI32(this.verifiers, c * MAX_VERIFIERS);
    this.verifierCount = growI32(this.verifierCount, c);
    this.outstanding = growI32(this.outstanding, c);
    this.reroutes = growI32(this.reroutes, c);
    this.done = growU8(this.done, c);
    this.independentFallback = growU8(this.independentFallback, c);
  }
}
