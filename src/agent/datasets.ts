import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { HeldDataset } from '../model/dataset.js';
import type { HeldDatasetCopy } from '../trust/holdings/answer.js';
import { type ChunkReader, HeldCopy } from '../trust/holdings/holder.js';
import { DEFAULT_CHUNK_BYTES } from '../trust/holdings/merkle.js';

/**
 * A dataset the agent's node holds as a file (`meridian agent --dataset ID:VERSION:PATH`): its Merkle
 * tree over 1 MiB chunks is built once at start (the file is read once, one chunk at a time), and each
 * challenge re-reads just the challenged chunk. The file must not change while the agent runs: its root
 * is what the node registers.
 */
export interface FileDataset extends HeldDatasetCopy {
  readonly held: HeldDataset;
  close(): void;
}

export function fileDataset(
  id: string,
  version: number,
  path: string,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): FileDataset {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) throw new Error(`${path} is empty`);
    const reader: ChunkReader = {
      chunks: Math.ceil(size / chunkBytes),
      chunkBytes,
      chunk(index) {
        const at = index * chunkBytes;
        const buf = Buffer.alloc(Math.min(chunkBytes, size - at));
        readSync(fd, buf, 0, buf.length, at);
        return buf;
      },
    };
    const copy = new HeldCopy(reader);
    return {
      id,
      version,
      copy,
      held: { id, version, sizeGb: size / 1e9, root: copy.root, chunks: copy.chunks, chunkBytes },
      close: () => closeSync(fd),
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * `ID:VERSION:PATH` as `--dataset` takes it (the path last, so it may hold colons); a message saying what
 * is wrong otherwise.
 */
export function parseFileDatasetSpec(text: string): { id: string; version: number; path: string } | string {
  const m = /^([A-Za-z0-9][A-Za-z0-9._/-]{0,199}):([0-9]{1,12}):(.+)$/.exec(text);
  if (m === null)
    return `expected ID:VERSION:PATH, e.g. "imagenet:2:/data/imagenet.tar" (got ${JSON.stringify(text)})`;
  const version = Number(m[2]);
  if (version < 1) return `VERSION must be a whole number ≥ 1 (got ${m[2]})`;
  return { id: m[1]!, version, path: m[3]! };
}
