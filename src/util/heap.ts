/**
 * The one priority queue of meridian: a min-heap of entries (key, tie, value) in typed arrays.
 *
 * - Order: the smallest `key` first; on equal keys the smallest `tie` first, so every run is
 *   deterministic. A max-heap pushes `-key` (and reads `-poppedKey`).
 * - `value` is a non-negative 32-bit integer naming the entry (an index into the caller's own arrays);
 *   a value is in the heap at most once at a time.
 * - 4-ary and implicit: a sift moves two numbers per level (key, value); the tie is kept by value beside
 *   the heap and read only when two keys are equal. Push and pop allocate nothing; arrays double when full.
 *
 * Used by the simulator's event queue (key = time, tie = insertion sequence, value = event slot), the
 * placement greedy and the hitting-set greedy (key = −gain, tie = value = set index).
 */
export class Heap {
  private keys: Float64Array;
  private values: Int32Array;
  /** Tie of each value, indexed by value. */
  private tieOf: Float64Array;
  private n = 0;

  /** Key and value of the entry last returned by `pop()`. */
  poppedKey = 0;
  poppedValue = -1;

  constructor(capacity = 16) {
    const c = Math.max(4, capacity);
    this.keys = new Float64Array(c);
    this.values = new Int32Array(c);
    this.tieOf = new Float64Array(c);
  }

  get size(): number {
    return this.n;
  }

  /** Key of the first entry, or Infinity when empty. */
  peekKey(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.keys[0]!;
  }

  push(key: number, tie: number, value: number): void {
    if (this.n === this.keys.length) this.grow();
    if (value >= this.tieOf.length) this.growTies(value);
    const K = this.keys;
    const V = this.values;
    const R = this.tieOf;
    R[value] = tie;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const kp = K[p]!;
      if (kp < key || (kp === key && R[V[p]!]! <= tie)) break;
      K[i] = kp;
      V[i] = V[p]!;
      i = p;
    }
    K[i] = key;
    V[i] = value;
  }

  /** Removes the first entry into `poppedKey` and `poppedValue`; false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const K = this.keys;
    const V = this.values;
    const R = this.tieOf;
    this.poppedKey = K[0]!;
    this.poppedValue = V[0]!;
    const last = --this.n;
    if (last === 0) return true;
    const key = K[last]!;
    const value = V[last]!;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= last) break;
      let c = first;
      let kc = K[first]!;
      const end = Math.min(first + 4, last);
      for (let j = first + 1; j < end; j++) {
        const kj = K[j]!;
        if (kj < kc || (kj === kc && R[V[j]!]! < R[V[c]!]!)) {
          c = j;
          kc = kj;
        }
      }
      if (key < kc || (key === kc && R[value]! <= R[V[c]!]!)) break;
      K[i] = kc;
      V[i] = V[c]!;
      i = c;
    }
    K[i] = key;
    V[i] = value;
    return true;
  }

  clear(): void {
    this.n = 0;
  }

  private grow(): void {
    const c = this.keys.length * 2;
    const keys = new Float64Array(c);
    keys.set(this.keys);
    const values = new Int32Array(c);
    values.set(this.values);
    this.keys = keys;
    this.values = values;
  }

  private growTies(value: number): void {
    let c = this.tieOf.length * 2;
    while (c <= value) c *= 2;
    const tieOf = new Float64Array(c);
    tieOf.set(this.tieOf);
    this.tieOf = tieOf;
  }
}
