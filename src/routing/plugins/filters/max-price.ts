/**
 * max-price — keeps nodes whose price per 1,000 tokens is within the request's `maxPricePer1kTokens`.
 * Reads: node.pricePer1kTokens. Parameters: none.
 */
import { z } from 'zod';
import { definePlugin } from '../../registry.js';

export const maxPrice = definePlugin({
  kind: 'filter',
  type: 'max-price',
  summary: "keeps nodes priced within the request's maximum",
  params: z.object({}).strict(),
  create: () => ({
    reason: 'price above maximum',
    filter(view, q, candidates, count) {
      if (q.maxPrice === Number.POSITIVE_INFINITY) return count;
      const price = view.topology.price;
      let kept = 0;
      for (let k = 0; k < count; k++) {
        const i = candidates[k]!;
        if (price[i]! <= q.maxPrice) candidates[kept++] = i;
      }
      return kept;
    },
  }),
});
