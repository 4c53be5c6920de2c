import { Heap } from '../util/heap.js';

/**
 * Priority queue of simulation events: the shared `Heap` ordered by (time, insertion sequence), with each
 * event's kind and payloads in a slot pool beside it (the heap carries the slot). Ties in time pop in
 * insertion order, so a run is deterministic. No object is allocated per event; arrays double when full.
 */
export class EventQueue {
  private readonly heap: Heap;
  private kind: Int32Array;
  private a: Int32Array;
  private b: Int32Array;
  /** Free slots, as a stack. */
  private free: Int32Array;
  private freeTop = 0;
  private nextSeq = 0;

  /** Fields of the event last returned by `pop()`. */
  t = 0;
  k = 0;
  pa = 0;
  pb = 0;

  constructor(capacity = 1024) {
    const c = Math.max(16, capacity);
    this.heap = new Heap(c);
    this.kind = new Int32Array(c);
    this.a = new Int32Array(c);
    this.b = new Int32Array(c);
    this.free = new Int32Array(c);
    this.fillFree(0, c);
  }

  get size(): number {
    return this.heap.size;
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.heap.peekKey();
  }

  push(time: number, kind: number, a = 0, b = 0): void {
    if (this.freeTop === 0) this.grow();
    const s = this.free[--this.freeTop]!;
    this.kind[s] = kind;
    this.a[s] = a;
    this.b[s] = b;
    this.heap.push(time, this.nextSeq++, s);
  }

  /** Removes the earliest event into `t`, `k`, `pa`, `pb`; returns false when empty. */
  pop(): boolean {
    const heap = this.heap;
    if (!heap.pop()) return false;
    const s = heap.poppedValue;
    this.t = heap.poppedKey;
    this.k = this.kind[s]!;
    this.pa = this.a[s]!;
    this.pb = this.b[s]!;
    this.free[this.freeTop++] = s;
    return true;
  }

  clear(): void {
    this.heap.clear();
    this.nextSeq = 0;
    this.freeTop = 0;
    this.fillFree(0, this.kind.length);
  }

  /** Pushes slots hi-1 … lo so that the lowest slot is handed out first. */
  private fillFree(lo: number, hi: number): void {
    for (let s = hi - 1; s >= lo; s--) this.free[this.freeTop++] = s;
  }

  private grow(): void {
    const old = this.kind.length;
    const c = old * 2;
    const i32 = (x: Int32Array) => {
      const y = new Int32Array(c);
      y.set(x);
      return y;
    };
    this.kind = i32(this.kind);
    this.a = i32(this.a);
    this.b = i32(this.b);
    this.free = i32(this.free);
    this.fillFree(old, c);
  }
}
