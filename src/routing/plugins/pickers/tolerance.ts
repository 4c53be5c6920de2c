/**
 * tolerance — the picker that does not herd. Every candidate whose cost is within `relative` × best +
 * `absoluteMs` of the best is eligible; one is drawn at random, by weight (linear from 1 for the best to
 * 0.5 at the edge of the band) or by power-of-two choices inside the band. With the engine bumping the
 * chosen node's in-flight count at pick time, a burst of requests on one stale view spreads over the
 * near-equal nodes instead of piling onto the single argmin.
 * Reads: the summed costs. Parameters: relative (0.05), absoluteMs (10), choice ("weighted" | "p2c").
 */
import { z } from 'zod';
import { definePlugin } from '../../registry.js';

export const tolerance = definePlugin({
  kind: 'picker',
  type: 'tolerance',
  summary: 'random choice among the candidates within a tolerance of the best (weighted or power-of-two)',
  params: z
    .object({
      relative: z.number().min(0).max(10).default(0.05),
      absoluteMs: z.number().min(0).default(10),
      choice: z.enum(['weighted', 'p2c']).default('weighted'),
    })
    .strict(),
  create: ({ relative, absoluteMs, choice }) => ({
    pick(_view, _q, _candidates, count, costs, rng) {
      let best = 0;
      for (let k = 1; k < count; k++) if (costs[k]! < costs[best]!) best = k;
      const low = costs[best]!;
      const limit = low * (1 + relative) + absoluteMs;
      const span = limit - low;
      let band = 0;
      let total = 0;
      for (let k = 0; k < count; k++) {
        const c = costs[k]!;
        if (c > limit) continue;
        band++;
        total += span > 0 ? 1 - (0.5 * (c - low)) / span : 1;
      }
      if (band <= 1) return best;
      if (choice === 'p2c') {
        const a = nth(costs, count, limit, rng.int(band));
        const b = nth(costs, count, limit, rng.int(band));
        return costs[b]! < costs[a]! ? b : a;
      }
      let r = rng.next() * total;
      let last = best;
      for (let k = 0; k < count; k++) {
        const c = costs[k]!;
        if (c > limit) continue;
        last = k;
        r -= span > 0 ? 1 - (0.5 * (c - low)) / span : 1;
        if (r < 0) return k;
      }
      return last;
    },
  }),
});

/** Position of the `n`-th (0-based) candidate whose cost is ≤ limit. */
function nth(costs: Float64Array, count: number, limit: number, n: number): number {
  let seen = 0;
  for (let k = 0; k < count; k++) {
    if (costs[k]! > limit) continue;
    if (seen === n) return k;
    seen++;
  }
  return 0;
}
