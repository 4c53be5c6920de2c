import { type ChunkProof, leafHash, levelsOfLeaves, siblingPath } from './merkle.js';

/** A holder's content, read one chunk at a time (a file, or generated content), never all at once. */
export interface ChunkReader {
  readonly chunks: number;
  readonly chunkBytes: number;
  /** Chunk `index` (0 ≤ index < chunks): `chunkBytes` bytes, the last one possibly fewer. */
  chunk(index: number): Uint8Array;
}

/**
 * The holder's side of the proof: the Merkle tree built once from the leaf hashes (32 bytes per chunk in
 * memory, each chunk read once), then the proof of any chunk re-reads just that chunk.
 */
export class HeldCopy {
  private readonly levels: Buffer[][];

  constructor(private readonly reader: ChunkReader) {
    if (!(Number.isInteger(reader.chunks) && reader.chunks >= 1))
      throw new RangeError(`a held copy needs at least one chunk (got ${reader.chunks})`);
    const leaves: Buffer[] = new Array(reader.chunks);
    for (let i = 0; i < reader.chunks; i++) leaves[i] = leafHash(reader.chunk(i));
    this.levels = levelsOfLeaves(leaves);
  }

  get chunks(): number {
    return this.reader.chunks;
  }

  get chunkBytes(): number {
    return this.reader.chunkBytes;
  }

  /** The Merkle root as hex. */
  get root(): string {
    return this.levels[this.levels.length - 1]![0]!.toString('hex');
  }

  /** The proof of chunk `index`; RangeError outside 0 … chunks − 1. */
  prove(index: number): ChunkProof {
    const path = siblingPath(this.levels, index);
    return { index, chunk: this.reader.chunk(index), path };
  }
}
