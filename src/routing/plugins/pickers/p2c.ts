/**
 * p2c — power of two choices (Envoy's least-request): two distinct candidates at random, the cheaper wins
 * (ties: the first drawn).
 * Reads: the summed costs. Parameters: none.
 */
import { z } from 'zod';
import { definePlugin } from '../../registry.js';

export const p2c = definePlugin({
  kind: 'picker',
  type: 'p2c',
  summary: 'two candidates at random, the cheaper one wins',
  params: z.object({}).strict(),
  create: () => ({
    pick(_view, _q, _candidates, count, costs, rng) {
      if (count === 1) return 0;
      const a = rng.int(count);
      let b = rng.int(count - 1);
      if (b >= a) b++;
      return costs[b]! < costs[a]! ? b : a;
    },
  }),
});
