/**
 * Priority queue of simulation events: an implicit 4-ary min-heap of (time, slot) in two typed arrays,
 * with each event's kind, payloads and insertion sequence in a slot pool beside it. Sifting moves two
 * numbers per level; payloads never move. Ties in time pop in insertion order (the sequence is read only
 * when two times are equal), so a run is deterministic. No object is allocated per event; arrays double
 * when full.
 */
export class EventQueue {
  private time: Float64Array;
  private slot: Int32Array;
  private seq: Float64Array;
  private kind: Int32Array;
  private a: Int32Array;
  private b: Int32Array;
  /** Free slots, as a stack. */
  private free: Int32Array;
  private freeTop = 0;
  private n = 0;
  private nextSeq = 0;

  /** Fields of the event last returned by `pop()`. */
  t = 0;
  k = 0;
  pa = 0;
  pb = 0;

  constructor(capacity = 1024) {
    const c = Math.max(16, capacity);
    this.time = new Float64Array(c);
    this.slot = new Int32Array(c);
    this.seq = new Float64Array(c);
    this.kind = new Int32Array(c);
    this.a = new Int32Array(c);
    this.b = new Int32Array(c);
    this.free = new Int32Array(c);
    this.fillFree(0, c);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.time[0]!;
  }

  push(time: number, kind: number, a = 0, b = 0): void {
    if (this.n === this.time.length) this.grow();
    const s = this.free[--this.freeTop]!;
    const seq = this.nextSeq++;
    this.seq[s] = seq;
    this.kind[s] = kind;
    this.a[s] = a;
    this.b[s] = b;
    const T = this.time;
    const S = this.slot;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const tp = T[p]!;
      if (tp < time || (tp === time && this.seq[S[p]!]! < seq)) break;
      T[i] = tp;
      S[i] = S[p]!;
      i = p;
    }
    T[i] = time;
    S[i] = s;
  }

  /** Removes the earliest event into `t`, `k`, `pa`, `pb`; returns false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const T = this.time;
    const S = this.slot;
    const top = S[0]!;
    this.t = T[0]!;
    this.k = this.kind[top]!;
    this.pa = this.a[top]!;
    this.pb = this.b[top]!;
    this.free[this.freeTop++] = top;
    const last = --this.n;
    if (last === 0) return true;
    const t = T[last]!;
    const s = S[last]!;
    const seq = this.seq;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= last) break;
      let c = first;
      let tc = T[first]!;
      const end = Math.min(first + 4, last);
      for (let j = first + 1; j < end; j++) {
        const tj = T[j]!;
        if (tj < tc || (tj === tc && seq[S[j]!]! < seq[S[c]!]!)) {
          c = j;
          tc = tj;
        }
      }
      if (t < tc || (t === tc && seq[s]! < seq[S[c]!]!)) break;
      T[i] = tc;
      S[i] = S[c]!;
      i = c;
    }
    T[i] = t;
    S[i] = s;
    return true;
  }

  clear(): void {
    this.n = 0;
    this.nextSeq = 0;
    this.freeTop = 0;
    this.fillFree(0, this.time.length);
  }

  /** Pushes slots hi-1 … lo so that the lowest slot is handed out first. */
  private fillFree(lo: number, hi: number): void {
    for (let s = hi - 1; s >= lo; s--) this.free[this.freeTop++] = s;
  }

  private grow(): void {
    const old = this.time.length;
    const c = old * 2;
    const f64 = (x: Float64Array) => {
      const y = new Float64Array(c);
      y.set(x);
      return y;
    };
    const i32 = (x: Int32Array) => {
      const y = new Int32Array(c);
      y.set(x);
      return y;
    };
    this.time = f64(this.time);
    this.slot = i32(this.slot);
    this.seq = f64(this.seq);
    this.kind = i32(this.kind);
    this.a = i32(this.a);
    this.b = i32(this.b);
    this.free = i32(this.free);
    this.fillFree(old, c);
  }
}
