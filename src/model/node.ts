import { z } from 'zod';
import { AcceleratorClass, Id, Latitude, Longitude, VerificationMode } from './common.js';
import { Labels } from './labels.js';

export const ROLES = ['inference', 'full', 'data', 'storage'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const Location = z.object({
  lat: Latitude,
  lon: Longitude,
  /** Metro id from the catalog (`src/geo/metros.ts`), e.g. `frankfurt`. */
  metro: Id,
});
export type Location = z.infer<typeof Location>;

export const Hardware = z.object({
  accelerator: AcceleratorClass,
  /** Number of accelerators. */
  count: z.number().int().min(0).max(64),
  /** Memory per accelerator in GB (0 for `cpu` and `api`). */
  memoryGb: z.number().min(0).max(4096),
});
export type Hardware = z.infer<typeof Hardware>;

/** Where model weights can sit on a node, from fastest to slowest to start from. */
export const STORAGE_TIERS = ['gpu', 'hostRam', 'localDisk', 'remote'] as const;
export const StorageTier = z.enum(STORAGE_TIERS);
export type StorageTier = z.infer<typeof StorageTier>;

/**
 * Bandwidth (GB/s) at which weights move from each tier into accelerator memory, and capacity (GB) of the
 * tiers that hold copies. Cold start time ≈ weights / bandwidth of the fastest tier holding the model.
 */
export const Storage = z.object({
  hostRamGBps: z.number().positive().default(20),
  hostRamGb: z.number().min(0).default(256),
  localDiskGBps: z.number().positive().default(3),
  localDiskGb: z.number().min(0).default(2000),
  remoteGBps: z.number().positive().default(1),
});
export type Storage = z.infer<typeof Storage>;

/** A model a node holds at start, and in which tier. Models not listed are fetched from the remote store. */
export const Holding = z.object({ model: Id, tier: StorageTier });
export type Holding = z.infer<typeof Holding>;

export const Node = z.object({
  id: Id,
  roles: z
    .array(Role)
    .min(1)
    .refine((r) => new Set(r).size === r.length, 'roles must not repeat'),
  location: Location,
  labels: Labels,
  hardware: Hardware,
  storage: Storage.default(Storage.parse({})),
  /** Requests the node runs concurrently (its batch limit). */
  slots: z.number().int().min(1).max(4096).default(8),
  /** Price in USD per 1,000 tokens (input + output). */
  pricePer1kTokens: z.number().min(0).default(0),
  verification: z.array(VerificationMode).default(['vanilla']),
  models: z.array(Holding).default([]),
  /** Stake or any other weight the independence analysis can use. */
  stake: z.number().min(0).optional(),
});
export type Node = z.infer<typeof Node>;
export type NodeInput = z.input<typeof Node>;

/** Total accelerator memory of a node in GB. */
export function acceleratorMemoryGb(node: Pick<Node, 'hardware'>): number {
  return node.hardware.count * node.hardware.memoryGb;
}
