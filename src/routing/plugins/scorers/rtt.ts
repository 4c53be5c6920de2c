/**
 * rtt — network round trip client → node: metro RTT table (geo model, or measured / learned values) plus the node's learned offset.
 * Reads: view.dyn.metroRtt, view.dyn.rttOffsetMs, the node's metro.
 * Parameters: none. Cost: the term itself, in ms (src/estimate/candidate.ts `rttTerm`).
 */
import { z } from 'zod';
import { rttTerm } from '../../../estimate/candidate.js';
import { definePlugin } from '../../registry.js';

export const rtt = definePlugin({
  kind: 'scorer',
  type: 'rtt',
  summary:
    "network round trip client → node: metro RTT table (geo model, or measured / learned values) plus the node's learned offset",
  params: z.object({}).strict(),
  create: () => ({
    score(view, q, candidates, count, out) {
      for (let k = 0; k < count; k++) out[k] = rttTerm(view, q, candidates[k]!);
    },
  }),
});
