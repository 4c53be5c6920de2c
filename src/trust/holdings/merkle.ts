import { createHash } from 'node:crypto';

/**
 * Proof that a data node holds a dataset: the dataset is registered with the Merkle root of its chunks
 * (SHA-256 of each `chunkBytes`-sized chunk, leaves hashed with a 0x00 prefix and inner nodes with 0x01,
 * as in RFC 6962, so a leaf can never pass for an inner node). The coordinator asks for a random chunk
 * index with a fresh nonce; the node answers with the chunk's bytes and the sibling hashes up to the root.
 * The coordinator, which holds only the root, checks the path. A node that kept only the root (or a
 * fraction f of the chunks) answers k independent challenges with probability f^k.
 * An odd node at a level is promoted unchanged to the next level.
 */
export const DEFAULT_CHUNK_BYTES = 1 << 20;

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

const LEAF = Uint8Array.of(0);
const INNER = Uint8Array.of(1);

export function leafHash(chunk: Uint8Array): Buffer {
  return sha256(LEAF, chunk);
}

function innerHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(INNER, left, right);
}

/** Every level of the tree, leaves first; the last level holds the root. Empty data has one empty-chunk leaf. */
export function merkleLevels(data: Uint8Array, chunkBytes = DEFAULT_CHUNK_BYTES): Buffer[][] {
  if (!(chunkBytes > 0)) throw new RangeError(`chunkBytes must be positive (got ${chunkBytes})`);
  const leaves: Buffer[] = [];
  for (let at = 0; at < data.length; at += chunkBytes)
    leaves.push(leafHash(data.subarray(at, at + chunkBytes)));
  if (leaves.length === 0) leaves.push(leafHash(new Uint8Array(0)));
  return levelsOfLeaves(leaves);
}

/**
 * Every level of the tree over these leaf hashes (at least one), leaves first: a holder that hashed its
 * chunks one at a time (never the whole dataset in memory) builds the tree from them.
 */
export function levelsOfLeaves(leaves: Buffer[]): Buffer[][] {
  if (leaves.length === 0) throw new RangeError('a Merkle tree needs at least one leaf');
  const levels = [leaves];
  while (levels[levels.length - 1]!.length > 1) {
    const below = levels[levels.length - 1]!;
    const up: Buffer[] = [];
    for (let i = 0; i < below.length; i += 2)
      up.push(i + 1 < below.length ? innerHash(below[i]!, below[i + 1]!) : below[i]!);
    levels.push(up);
  }
  return levels;
}

/** Sibling hashes from leaf `index` up to the root (null where a node was promoted without a sibling). */
export function siblingPath(levels: Buffer[][], index: number): (string | null)[] {
  if (!(Number.isInteger(index) && index >= 0 && index < levels[0]!.length))
    throw new RangeError(`chunk index ${index} out of range (0 … ${levels[0]!.length - 1})`);
  const path: (string | null)[] = [];
  let i = index;
  for (let l = 0; l < levels.length - 1; l++) {
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    path.push(sibling < levels[l]!.length ? levels[l]![sibling]!.toString('hex') : null);
    i = Math.floor(i / 2);
  }
  return path;
}

/** Length of every sibling path in a tree of `chunks` leaves: ⌈log2 chunks⌉. */
export function pathLength(chunks: number): number {
  let n = 0;
  for (let width = chunks; width > 1; width = Math.ceil(width / 2)) n++;
  return n;
}

/** The root as hex. */
export function merkleRoot(data: Uint8Array, chunkBytes = DEFAULT_CHUNK_BYTES): string {
  const levels = merkleLevels(data, chunkBytes);
  return levels[levels.length - 1]![0]!.toString('hex');
}

export interface ChunkProof {
  readonly index: number;
  /** The chunk's bytes, base64 on the wire. */
  readonly chunk: Uint8Array;
  /** Sibling hashes from the leaf up, hex; null where the node was promoted without a sibling. */
  readonly path: (string | null)[];
}

/** The proof for chunk `index` (the holder computes this from its copy). */
export function proveChunk(data: Uint8Array, index: number, chunkBytes = DEFAULT_CHUNK_BYTES): ChunkProof {
  const path = siblingPath(merkleLevels(data, chunkBytes), index);
  return { index, chunk: data.subarray(index * chunkBytes, (index + 1) * chunkBytes), path };
}

/** Whether `proof` shows chunk `proof.index` of the dataset whose root is `rootHex`. */
export function verifyChunk(rootHex: string, proof: ChunkProof): boolean {
  let h = leafHash(proof.chunk);
  let i = proof.index;
  for (const sibling of proof.path) {
    if (sibling !== null) {
      if (!/^[0-9a-f]{64}$/.test(sibling)) return false;
      const s = Buffer.from(sibling, 'hex');
      h = i % 2 === 0 ? innerHash(h, s) : innerHash(s, h);
    }
    i = Math.floor(i / 2);
  }
  return i === 0 && h.toString('hex') === rootHex;
}
