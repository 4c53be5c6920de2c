/**
 * min — the lowest cost; ties broken uniformly at random (so equal nodes share the load).
 * Reads: the summed costs. Parameters: none.
 */
import { z } from 'zod';
import { definePlugin } from '../../registry.js';

export const min = definePlugin({
  kind: 'picker',
  type: 'min',
  summary: 'the lowest cost, ties broken at random',
  params: z.object({}).strict(),
  create: () => ({
    pick(_view, _q, _candidates, count, costs, rng) {
      let best = 0;
      let ties = 1;
      for (let k = 1; k < count; k++) {
        const c = costs[k]!;
        if (c < costs[best]!) {
          best = k;
          ties = 1;
        } else if (c === costs[best]! && rng.int(++ties) === 0) best = k;
      }
      return best;
    },
  }),
});
