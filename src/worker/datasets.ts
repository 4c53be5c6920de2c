import { createCipheriv, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { HeldDataset } from '../model/dataset.js';
import { answerChallenge } from '../trust/holdings/answer.js';
import { type ChunkReader, HeldCopy } from '../trust/holdings/holder.js';
import { DATA_PROOF_PATH } from '../wire/data-proof.js';
import type { KeyPair } from '../wire/identity.js';

/**
 * The datasets an emulated data node holds (`meridian worker --emulate --dataset ID:SIZE_GB[:VERSION]`):
 * synthetic content generated chunk by chunk from the dataset's id and version (AES-128-CTR keystream, so
 * every run and every node holding the same dataset has the same bytes and the same Merkle root), and the
 * answer to the coordinator's challenge for one chunk.
 *
 * Scale: the proof covers `SYNTHETIC_CHUNKS_PER_GB` chunks of `SYNTHETIC_CHUNK_BYTES` per declared GB
 * (256 KiB of content per GB), so a 100 GB dataset is hashed in milliseconds at start; routing uses the
 * declared size.
 */
export const SYNTHETIC_CHUNK_BYTES = 4096;
export const SYNTHETIC_CHUNKS_PER_GB = 64;

export interface EmulatedDataset {
  held: HeldDataset;
  copy: HeldCopy;
}

/** The generated content of dataset `id` at `version`. */
export function syntheticReader(id: string, version: number, sizeGb: number): ChunkReader {
  const key = createHash('sha256').update(`meridian synthetic dataset\n${id}\n${version}`).digest();
  const zeros = new Uint8Array(SYNTHETIC_CHUNK_BYTES);
  return {
    chunks: Math.max(1, Math.ceil(sizeGb * SYNTHETIC_CHUNKS_PER_GB)),
    chunkBytes: SYNTHETIC_CHUNK_BYTES,
    chunk(index) {
      const iv = Buffer.alloc(16);
      iv.writeUIntBE(index, 0, 6); // the chunk's own counter block range: 2^80 blocks apart
      const c = createCipheriv('aes-128-ctr', key.subarray(0, 16), iv);
      return Buffer.concat([c.update(zeros), c.final()]);
    },
  };
}

/**
 * `ID:SIZE_GB[:VERSION]` as the worker's `--dataset` takes it; a message saying what is wrong otherwise.
 */
export function parseDatasetSpec(text: string): { id: string; sizeGb: number; version: number } | string {
  const m = /^([A-Za-z0-9][A-Za-z0-9._/-]{0,199}):([0-9]+(?:\.[0-9]+)?)(?::([0-9]+))?$/.exec(text);
  if (m === null) return `expected ID:SIZE_GB[:VERSION], e.g. "imagenet:150:2" (got ${JSON.stringify(text)})`;
  const sizeGb = Number(m[2]);
  const version = m[3] === undefined ? 1 : Number(m[3]);
  if (!(sizeGb > 0 && sizeGb <= 10_000)) return `SIZE_GB must be in (0, 10000] (got ${m[2]})`;
  if (!(version >= 1 && version <= 1e12)) return `VERSION must be a whole number ≥ 1 (got ${m[3]})`;
  return { id: m[1]!, sizeGb, version };
}

/** A synthetic dataset and its registration entry. */
export function syntheticDataset(id: string, sizeGb: number, version = 1): EmulatedDataset {
  const copy = new HeldCopy(syntheticReader(id, version, sizeGb));
  return {
    held: { id, version, sizeGb, root: copy.root, chunks: copy.chunks, chunkBytes: copy.chunkBytes },
    copy,
  };
}

/**
 * `GET /meridian/dataset-proof`: the chunk, its path and the node's signature. With `lie` (or on the
 * challenges it picks) the node claims what it does not hold: it answers with a chunk one bit off
 * (signed, so the answer is its own).
 */
export function datasetRoutes(
  app: FastifyInstance,
  key: KeyPair,
  datasets: readonly EmulatedDataset[],
  lie: boolean | (() => boolean) = false,
): void {
  const copies = datasets.map((d) => ({ id: d.held.id, version: d.held.version, copy: d.copy }));
  app.get(DATA_PROOF_PATH, async (req, reply) => {
    const r = answerChallenge(key, copies, req.query, typeof lie === 'function' ? lie() : lie);
    return reply.code(r.status).send(r.body);
  });
}
