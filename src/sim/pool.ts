/** Helpers for stores of records kept in parallel typed arrays, indexed by a recycled integer id. */

export function growF64(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

export function growI32(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

export function growU8(a: Uint8Array, cap: number): Uint8Array {
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}

/** Hands out ids 0, 1, 2, … and reuses freed ones (last freed first). */
export class IdPool {
  private readonly free: number[] = [];
  private next = 0;
  /** Ids currently in use. */
  live = 0;

  /** A free id; `grow` is called with the new high-water mark when a new id passes `capacity`. */
  alloc(capacity: number, grow: (needed: number) => void): number {
    this.live++;
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const id = this.next++;
    if (id >= capacity) grow(id + 1);
    return id;
  }

  release(id: number): void {
    this.live--;
    this.free.push(id);
  }
}
