/**
 * healthy — drops nodes reported down, nodes excluded from the request's model (they refused it while
 * claiming to serve it) and, when `maxAgeMs` is set, nodes silent for longer than that.
 * Reads: view.dyn.healthy, view.cells (the exclusions), view.dyn.reportedAtMs, view.nowMs.
 * Parameters: maxAgeMs (optional; default: any age).
 */
import { z } from 'zod';
import { CELL_EXCLUDED } from '../../../network/model-cells.js';
import { definePlugin } from '../../registry.js';

export const healthy = definePlugin({
  kind: 'filter',
  type: 'healthy',
  summary:
    'drops nodes reported down, nodes excluded from the model (refusals), and optionally nodes whose last report is too old',
  params: z.object({ maxAgeMs: z.number().positive().optional() }).strict(),
  create: ({ maxAgeMs }) => {
    const maxAge = maxAgeMs ?? Number.POSITIVE_INFINITY;
    return {
      reason: maxAgeMs === undefined ? 'unhealthy' : 'unhealthy or silent',
      filter(view, q, candidates, count) {
        const ok = view.dyn.healthy;
        const cells = view.cells;
        const column = q.model * view.topology.n;
        const at = view.dyn.reportedAtMs;
        const oldest = view.nowMs - maxAge;
        let kept = 0;
        for (let k = 0; k < count; k++) {
          const i = candidates[k]!;
          if (ok[i] === 1 && (cells[column + i]! & CELL_EXCLUDED) === 0 && at[i]! >= oldest)
            candidates[kept++] = i;
        }
        return kept;
      },
    };
  },
});
