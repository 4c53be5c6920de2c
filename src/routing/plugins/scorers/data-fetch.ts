/**
 * data-fetch — moving the request's dataset (or its query, when smaller) from the nearest healthy holder to the node; 0 without a dataset.
 * Reads: dataset holders, view.dyn.healthy, view.dyn.metroRtt.
 * Parameters: none. Cost: the term itself, in ms (src/estimate/candidate.ts `dataFetchTerm`).
 */
import { z } from 'zod';
import { dataFetchTerm } from '../../../estimate/candidate.js';
import { definePlugin } from '../../registry.js';

export const dataFetch = definePlugin({
  kind: 'scorer',
  type: 'data-fetch',
  summary:
    "moving the request's dataset (or its query, when smaller) from the nearest healthy holder to the node; 0 without a dataset",
  params: z.object({}).strict(),
  create: () => ({
    score(view, q, candidates, count, out) {
      for (let k = 0; k < count; k++) out[k] = dataFetchTerm(view, q, candidates[k]!);
    },
  }),
});
