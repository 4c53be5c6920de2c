/**
 * demoted — a penalty for nodes the router's trust ledger demotes: their trust score is low (a mean
 * below 0.8 with a recent contradiction, src/trust/reputation.ts) but no sequential test has quarantined
 * them. A demoted node pays `factor` × its own predicted completion time (as `completion-time` computes
 * it, with `risk`); other nodes pay nothing. With factor 0.5 a demoted node wins only when it is predicted
 * more than 1.5× faster than the best trusted one: 10% faster loses, 3× faster still wins.
 * Reads: view.dyn.demoted, and for demoted candidates everything `completion-time` reads.
 * Parameters: factor (default 0.5): the share of its completion time added to a demoted node's cost;
 * risk (default 0.5): as `completion-time`'s.
 */
import { z } from 'zod';
import { completionCostMs } from '../../../estimate/completion.js';
import { definePlugin } from '../../registry.js';

export const demoted = definePlugin({
  kind: 'scorer',
  type: 'demoted',
  summary: 'demoted nodes (low trust, not quarantined) pay factor × their predicted completion time',
  params: z
    .object({
      factor: z.number().min(0).max(100).default(0.5),
      risk: z.number().min(0).max(100).default(0.5),
    })
    .strict(),
  create: ({ factor, risk }) => ({
    score(view, q, candidates, count, out) {
      const d = view.dyn.demoted;
      for (let k = 0; k < count; k++) {
        const i = candidates[k]!;
        out[k] = d[i] === 1 ? factor * completionCostMs(view, q, i, risk) : 0;
      }
    },
  }),
});
