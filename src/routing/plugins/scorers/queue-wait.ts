/**
 * queue-wait — expected wait for a slot: reported running and queued requests (the queue drained by the report's age) plus this router's own sends.
 * Reads: view.dyn.running/queued/meanServiceMs/reportedAtMs, view.sent, node slots.
 * Parameters: none. Cost: the term itself, in ms (src/estimate/candidate.ts `queueTerm`).
 */
import { z } from 'zod';
import { queueTerm } from '../../../estimate/candidate.js';
import { definePlugin } from '../../registry.js';

export const queueWait = definePlugin({
  kind: 'scorer',
  type: 'queue-wait',
  summary:
    "expected wait for a slot: reported running and queued requests (the queue drained by the report's age) plus this router's own sends",
  params: z.object({}).strict(),
  create: () => ({
    score(view, q, candidates, count, out) {
      for (let k = 0; k < count; k++) out[k] = queueTerm(view, q, candidates[k]!);
    },
  }),
});
