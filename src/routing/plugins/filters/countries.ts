/**
 * countries — keeps nodes in the countries the request allows (`constraints.countries`); no-op without one.
 * Reads: the node's `country` label. Parameters: none.
 */
import { z } from 'zod';
import { definePlugin } from '../../registry.js';

export const countries = definePlugin({
  kind: 'filter',
  type: 'countries',
  summary: "keeps nodes whose country label is in the request's allowed countries",
  params: z.object({}).strict(),
  create: () => ({
    reason: 'country not allowed',
    filter(view, q, candidates, count) {
      if (q.countryCount < 0) return count;
      const dim = view.topology.countryDim;
      if (dim < 0) return 0;
      const codes = view.topology.labels.codes[dim]!;
      let kept = 0;
      for (let k = 0; k < count; k++) {
        const i = candidates[k]!;
        const c = codes[i]!;
        for (let j = 0; j < q.countryCount; j++) {
          if (q.countries[j] === c) {
            candidates[kept++] = i;
            break;
          }
        }
      }
      return kept;
    },
  }),
});
