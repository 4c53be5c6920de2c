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
