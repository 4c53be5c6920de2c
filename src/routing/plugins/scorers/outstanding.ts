/**
 * outstanding — load as a cost: (running + queued + own sends) per slot, times `msPerRequest`. The.
 * least-request signal of Envoy-style balancers, which know counts, not times.
 * Reads: view.dyn.running, view.dyn.queued, view.sent, node slots.
 * Parameters: msPerRequest (default 1000): the ms one outstanding request per slot is worth.
 */
import { z } from 'zod';
import { definePlugin } from '../../registry.js';

export const outstanding = definePlugin({
  kind: 'scorer',
  type: 'outstanding',
  summary: 'outstanding requests per slot (running + queued + own sends), as ms via msPerRequest',
  params: z.object({ msPerRequest: z.number().positive().default(1000) }).strict(),
  create: ({ msPerRequest }) => ({
    score(view, _q, candidates, count, out) {
      const d = view.dyn;
      const slots = view.topology.slots;
      for (let k = 0; k < count; k++) {
        const i = candidates[k]!;
        out[k] = ((d.running[i]! + d.queued[i]! + view.sent[i]!) / slots[i]!) * msPerRequest;
      }
    },
  }),
});
