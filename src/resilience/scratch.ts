/**
 * Typed arrays kept from one call to the next. One analysis solves about a hundred hitting sets (the
 * domain cuts), the largest with a few hundred thousand items, and allocating their arrays afresh each
 * time costs more than the work done on them: a new large array is zeroed and page-faulted in on first
 * touch. Reused, a buffer is only as large as the largest call needed.
 *
 * A buffer is named by its role: arrays alive at the same time must have different names, and an array
 * handed out under a name is valid until that name is asked for again. Contents are whatever the last
 * user left unless asked for `zeroed`. `FRESH` allocates every time (for callers that keep the arrays).
 */
export class Scratch {
  private readonly buffers = new Map<string, ArrayBuffer>();

  /** `reuse: false` allocates a new (zeroed) array on every request. */
  constructor(private readonly reuse = true) {}

  private buffer(name: string, bytes: number): ArrayBuffer {
    let b = this.buffers.get(name);
    if (b === undefined || b.byteLength < bytes) {
      // A quarter more than asked, so slowly growing requests do not reallocate every time.
      b = new ArrayBuffer(bytes + (bytes >> 2));
      this.buffers.set(name, b);
    }
    return b;
  }

  /** `length` int32s, contents unspecified. */
  int32(name: string, length: number): Int32Array {
    if (!this.reuse) return new Int32Array(length);
    return new Int32Array(this.buffer(name, 4 * length), 0, length);
  }

  /** `length` int32s, all 0. */
  zeroedInt32(name: string, length: number): Int32Array {
    return this.reuse ? this.int32(name, length).fill(0) : new Int32Array(length);
  }

  /** `length` bytes, all 0. */
  zeroedUint8(name: string, length: number): Uint8Array {
    if (!this.reuse) return new Uint8Array(length);
    return new Uint8Array(this.buffer(name, length), 0, length).fill(0);
  }
}

/** Allocates afresh on every request: the arrays may be kept. */
export const FRESH = new Scratch(false);
