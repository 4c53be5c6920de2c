import { z } from 'zod';
import { Id } from './common.js';

/** A dataset held by data nodes, which a request can name so computation happens close to it. */
export const Dataset = z.object({
  id: Id,
  sizeGb: z.number().positive(),
  /** Ids of the data nodes holding a copy. */
  heldBy: z.array(Id).min(1),
  /** Bytes actually moved per request when the query travels instead of the data (GB); default: whole set. */
  queryGb: z.number().positive().optional(),
});
export type Dataset = z.infer<typeof Dataset>;

/** Most datasets one data node registers. */
export const MAX_HELD_DATASETS = 64;

/**
 * A copy of a dataset that a data node says it holds, as it registers it: the content is identified by
 * the Merkle root of its `chunks` chunks of `chunkBytes` bytes (`trust/holdings/merkle.ts`), and the
 * coordinator believes the claim only after the node answers a challenge for a random chunk.
 */
export const HeldDataset = z.strictObject({
  id: Id,
  /** Rises with each new content of the dataset; copies of an older version do not count as holding it. */
  version: z.number().int().min(1).max(1e12).default(1),
  /** What routing moves when the query travels instead of the data (GB). */
  sizeGb: z.number().positive().max(1e7),
  /** Merkle root of the content, hex. */
  root: z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 Merkle root: 64 lowercase hex digits'),
  chunks: z
    .number()
    .int()
    .min(1)
    .max(2 ** 40),
  /** Chunk size; at most 1 MiB, so one proof stays a small answer. */
  chunkBytes: z
    .number()
    .int()
    .min(1)
    .max(1 << 20),
});
export type HeldDataset = z.infer<typeof HeldDataset>;
export type HeldDatasetInput = z.input<typeof HeldDataset>;
