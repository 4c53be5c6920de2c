import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { merkleRoot, proveChunk, verifyChunk } from './merkle.js';

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

function data(bytes: number, seed = 1): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: bytes }, () => rng.int(256));
}

describe('dataset holding proofs', () => {
  it('root of 3 chunks of 4 bytes = H(1 ‖ H(1 ‖ H(0‖c0) ‖ H(0‖c1)) ‖ H(0‖c2)), computed by hand', () => {
    const d = data(12);
    const [c0, c1, c2] = [d.subarray(0, 4), d.subarray(4, 8), d.subarray(8, 12)];
    const l = (c: Uint8Array) => sha(Uint8Array.of(0), c);
    const expected = sha(Uint8Array.of(1), sha(Uint8Array.of(1), l(c0), l(c1)), l(c2)).toString('hex');
    expect(merkleRoot(d, 4)).toBe(expected);
  });

  it('every chunk of a 10-chunk dataset proves against the root', () => {
    const d = data(10 * 64 - 7);
    const root = merkleRoot(d, 64);
    for (let i = 0; i < 10; i++) expect(verifyChunk(root, proveChunk(d, i, 64))).toBe(true);
  });

  it('a changed byte, a wrong index or another dataset fails', () => {
    const d = data(1000);
    const root = merkleRoot(d, 100);
    const p = proveChunk(d, 3, 100);
    const changed = Uint8Array.from(p.chunk);
    changed[0] = changed[0]! ^ 1;
    expect(verifyChunk(root, { ...p, chunk: changed })).toBe(false);
    expect(verifyChunk(root, { ...p, index: 4 })).toBe(false);
    expect(verifyChunk(merkleRoot(data(1000, 2), 100), p)).toBe(false);
  });

  it('an empty dataset has the root of one empty chunk; an index out of range is refused', () => {
    expect(merkleRoot(new Uint8Array(0), 4)).toBe(sha(Uint8Array.of(0)).toString('hex'));
    expect(() => proveChunk(data(8), 2, 4)).toThrow(/chunk index 2 out of range \(0 … 1\)/);
  });
});
