/**
 * cold-start — time until the model is resident: 0 when warm, the rest of a load in progress, else eviction plus a load from the fastest tier (host RAM, local disk, a peer in the metro, remote store).
 * Reads: view.cells (tiers), view.dyn.loadingModel/loadingRemainingMs/usedGb, warm index, node storage bandwidths.
 * Parameters: none. Cost: the term itself, in ms (src/estimate/candidate.ts `coldStartTerm`).
 */
import { z } from 'zod';
import { coldStartTerm } from '../../../estimate/candidate.js';
import { definePlugin } from '../../registry.js';

export const coldStart = definePlugin({
  kind: 'scorer',
  type: 'cold-start',
  summary:
    'time until the model is resident: 0 when warm, the rest of a load in progress, else eviction plus a load from the fastest tier (host RAM, local disk, a peer in the metro, remote store)',
  params: z.object({}).strict(),
  create: () => ({
    score(view, q, candidates, count, out) {
      for (let k = 0; k < count; k++) out[k] = coldStartTerm(view, q, candidates[k]!);
    },
  }),
});
