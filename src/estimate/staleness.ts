/** How stale a report is, in [0, 1): 0 fresh, 1/2 at `tauMs`, → 1 as it ages. */
export function staleness(ageMs: number, tauMs: number): number {
  return ageMs > 0 ? ageMs / (ageMs + tauMs) : 0;
}

/**
 * Uncertainty (ms, one standard-deviation-like spread) of an estimate: the dynamic terms taken from a
 * report (`reportedMs`: queue wait and load in progress as reported) weighted by the report's staleness,
 * plus the relative error of the RTT source.
 */
export function uncertaintyMs(stale: number, reportedMs: number, rttMs: number, rttError: number): number {
  return stale * reportedMs + rttError * rttMs;
}

/**
 * Spread (ms, one standard deviation) of a queue wait of `queueMs` on a node with `slots` slots whose
 * requests take `serviceMs` on average: the wait is the time until k = queueMs × slots / serviceMs slots
 * free up, each after an exponential time of mean serviceMs / slots, so its spread is
 * serviceMs / slots × √k = √(queueMs × serviceMs / slots). 0 without a queue.
 */
export function queueSpreadMs(queueMs: number, serviceMs: number, slots: number): number {
  return queueMs > 0 && slots > 0 ? Math.sqrt((queueMs * serviceMs) / slots) : 0;
}
