/**
 * completion-time — the predicted completion time of the request on the node: rtt + queue wait + cold
 * start + service + data fetch (each term as its own scorer computes it), plus `risk` × the estimate's
 * uncertainty (stale telemetry, RTT source). The same cost as the six term scorers weighted 1, 1, 1, 1,
 * 1 and `risk`, computed in one pass that shares the RTT and service time (the meridian profile's scorer).
 * Reads: everything the term scorers read.
 * Parameters: risk (default 0.5): ms of cost per ms of uncertainty (risk aversion).
 */
import { z } from 'zod';
import { completionCosts } from '../../../estimate/completion.js';
import { definePlugin } from '../../registry.js';

export const completionTime = definePlugin({
  kind: 'scorer',
  type: 'completion-time',
  summary:
    'predicted completion time (rtt + queue + cold start + service + data fetch) plus risk × uncertainty',
  params: z.object({ risk: z.number().min(0).max(100).default(0.5) }).strict(),
  create: ({ risk }) => ({
    score(view, q, candidates, count, out) {
      completionCosts(view, q, candidates, count, risk, out);
    },
  }),
});
