/**
 * uncertainty — spread of the estimate: reported queue wait and load in progress weighted by the report's staleness, plus the relative error of the RTT source. Weight it to set risk aversion.
 * Reads: view.dyn (as the queue and cold-start terms), view.nowMs, view.dyn.metroRttMeasured.
 * Parameters: none. Cost: the term itself, in ms (src/estimate/candidate.ts `uncertaintyTerm`).
 */
import { z } from 'zod';
import { uncertaintyTerm } from '../../../estimate/candidate.js';
import { definePlugin } from '../../registry.js';

export const uncertainty = definePlugin({
  kind: 'scorer',
  type: 'uncertainty',
  summary:
    "spread of the estimate: reported queue wait and load in progress weighted by the report's staleness, plus the relative error of the RTT source. Weight it to set risk aversion",
  params: z.object({}).strict(),
  create: () => ({
    score(view, q, candidates, count, out) {
      for (let k = 0; k < count; k++) out[k] = uncertaintyTerm(view, q, candidates[k]!);
    },
  }),
});
