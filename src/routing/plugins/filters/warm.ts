/**
 * warm — keeps nodes with the requested model resident in accelerator memory. With `fallback: true` (the
 * default) a request for which no candidate is warm keeps every candidate, so a cold model still routes.
 * Reads: view.dyn.tier. Parameters: fallback (boolean, default true).
 */
import { z } from 'zod';
import { TIER_GPU } from '../../../network/dynamics.js';
import { definePlugin } from '../../registry.js';

export const warm = definePlugin({
  kind: 'filter',
  type: 'warm',
  summary: 'keeps nodes with the model resident (all candidates when none is, unless fallback is false)',
  params: z.object({ fallback: z.boolean().default(true) }).strict(),
  create: ({ fallback }) => ({
    reason: 'model not resident',
    filter(view, q, candidates, count) {
      const tier = view.dyn.tier;
      const M = view.topology.models.count;
      let kept = 0;
      for (let k = 0; k < count; k++) {
        const i = candidates[k]!;
        if (tier[i * M + q.model] === TIER_GPU) candidates[kept++] = i;
      }
      return kept === 0 && fallback ? count : kept;
    },
  }),
});
