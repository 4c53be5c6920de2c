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
