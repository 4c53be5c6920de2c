import { erlangCWait } from '../stats/erlang-c.js';

/**
 * The capacity of one warm replica at forecast peak (docs/placement.md): a node with `slots` servers and
 * a mean service time of `serviceMs` is an M/M/c queue; it can take requests up to the rate at which the
 * mean queueing wait (Erlang C) equals one service time, so queueing at peak at most doubles a request's
 * time. Demand credited to a replica beyond that rate is not counted (`instance.ts`).
 */

/** Mean wait allowed at peak, in service times. */
export const MAX_WAIT_SERVICE_TIMES = 1;

/** Largest arrival rate (requests/s) the replica takes with mean wait ≤ MAX_WAIT_SERVICE_TIMES × service. */
export function replicaCapacityRps(slots: number, serviceMs: number): number {
  if (!(serviceMs > 0)) return Number.POSITIVE_INFINITY;
  const c = Math.max(1, Math.floor(slots));
  let lo = 0;
  let hi = c;
  for (let k = 0; k < 60; k++) {
    const a = (lo + hi) / 2;
    if (erlangCWait(c, a) <= MAX_WAIT_SERVICE_TIMES) lo = a;
    else hi = a;
  }
  return lo / (serviceMs / 1000);
}
