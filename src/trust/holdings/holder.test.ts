import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { type ChunkReader, HeldCopy } from './holder.js';
import { merkleRoot, pathLength, proveChunk, verifyChunk } from './merkle.js';

function reader(data: Uint8Array, chunkBytes: number): ChunkReader & { reads: number } {
  const r = {
    reads: 0,
    chunks: Math.max(1, Math.ceil(data.length / chunkBytes)),
    chunkBytes,
    chunk(i: number) {
      r.reads++;
      return data.subarray(i * chunkBytes, (i + 1) * chunkBytes);
    },
  };
  return r;
}

const bytes = (n: number, seed = 3) => {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n }, () => rng.int(256));
};

describe('a held copy built chunk by chunk', () => {
  it('has the root and the proofs of the whole-data tree (13 chunks of 50 bytes, the last 17)', () => {
    const d = bytes(12 * 50 + 17);
    const copy = new HeldCopy(reader(d, 50));
    expect(copy.chunks).toBe(13);
    expect(copy.root).toBe(merkleRoot(d, 50));
    for (let i = 0; i < 13; i++) {
      expect(copy.prove(i)).toEqual(proveChunk(d, i, 50));
      expect(verifyChunk(copy.root, copy.prove(i))).toBe(true);
    }
  });

  it('reads each of 8 chunks once to build, then 1 chunk per proof', () => {
    const r = reader(bytes(8 * 16), 16);
    const copy = new HeldCopy(r);
    expect(r.reads).toBe(8);
    copy.prove(5);
    expect(r.reads).toBe(9);
  });

  it('refuses chunk index 8 of 8 and -1', () => {
    const copy = new HeldCopy(reader(bytes(8 * 16), 16));
    expect(() => copy.prove(8)).toThrow(/out of range/);
    expect(() => copy.prove(-1)).toThrow(/out of range/);
  });

  it('path length is ⌈log2 chunks⌉: 1 → 0, 2 → 1, 3 → 2, 8 → 3, 9 → 4, 1000 → 10', () => {
    expect([1, 2, 3, 8, 9, 1000].map(pathLength)).toEqual([0, 1, 2, 3, 4, 10]);
    for (const n of [1, 2, 3, 8, 9]) expect(proveChunk(bytes(n * 4), 0, 4).path.length).toBe(pathLength(n));
  });
});
