/**
 * trusted — drops nodes the router's trust ledger holds in quarantine: a sequential test on the checks
 * of one of their claims (warm, queue, location, output, speed) alarmed (src/trust/ledger.ts).
 * Reads: view.dyn.quarantined.
 * Parameters: none.
 */
import { z } from 'zod';
import { definePlugin } from '../../registry.js';

export const trusted = definePlugin({
  kind: 'filter',
  type: 'trusted',
  summary:
    'drops nodes in quarantine: caught lying about being warm, their queue, their place or their output',
  params: z.object({}).strict(),
  create: () => ({
    reason: 'quarantined',
    filter(view, _q, candidates, count) {
      const q = view.dyn.quarantined;
      let kept = 0;
      for (let k = 0; k < count; k++) {
        const i = candidates[k]!;
        if (q[i] === 0) candidates[kept++] = i;
      }
      return kept;
    },
  }),
});
