/**
 * round-robin — cycles through the candidates by node index: the next one after the node this picker
 * chose last time for the same model. Keeps that cursor between requests (its only state).
 * Reads: nothing but the candidate ids. Parameters: none.
 */
import { z } from 'zod';
import { definePlugin } from '../../registry.js';

export const roundRobin = definePlugin({
  kind: 'picker',
  type: 'round-robin',
  summary: 'the next candidate after the last one chosen for the same model, in node order',
  params: z.object({}).strict(),
  create: () => {
    let last = new Int32Array(0);
    return {
      pick(_view, q, candidates, count) {
        if (last.length <= q.model) {
          const grown = new Int32Array(Math.max(q.model + 1, last.length * 2)).fill(-1);
          grown.set(last);
          last = grown;
        }
        const prev = last[q.model]!;
        let next = -1;
        let lowest = 0;
        for (let k = 0; k < count; k++) {
          const i = candidates[k]!;
          if (i < candidates[lowest]!) lowest = k;
          if (i > prev && (next < 0 || i < candidates[next]!)) next = k;
        }
        const chosen = next >= 0 ? next : lowest;
        last[q.model] = candidates[chosen]!;
        return chosen;
      },
    };
  },
});
