/**
 * random — uniform choice, ignoring costs (today's SDK behaviour: any registered healthy node).
 * Reads: nothing. Parameters: none.
 */
import { z } from 'zod';
import { definePlugin } from '../../registry.js';

export const random = definePlugin({
  kind: 'picker',
  type: 'random',
  summary: 'uniform choice among the candidates, ignoring costs',
  params: z.object({}).strict(),
  create: () => ({
    pick(_view, _q, _candidates, count, _costs, rng) {
      return rng.int(count);
    },
  }),
});
