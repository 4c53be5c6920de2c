/**
 * service — prefill + decode time of the request's tokens on the node's accelerator at the batch it would join, times the TEE/zkML cost factor.
 * Reads: model performance per accelerator class, view.dyn.running, view.sent, node slots.
 * Parameters: none. Cost: the term itself, in ms (src/estimate/candidate.ts `serviceTerm`).
 */
import { z } from 'zod';
import { serviceTerm } from '../../../estimate/candidate.js';
import { definePlugin } from '../../registry.js';

export const service = definePlugin({
  kind: 'scorer',
  type: 'service',
  summary:
    "prefill + decode time of the request's tokens on the node's accelerator at the batch it would join, times the TEE/zkML cost factor",
  params: z.object({}).strict(),
  create: () => ({
    score(view, q, candidates, count, out) {
      for (let k = 0; k < count; k++) out[k] = serviceTerm(view, q, candidates[k]!);
    },
  }),
});
