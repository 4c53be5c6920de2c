/**
 * Expected wait (ms) before a new request starts on a node with `slots` concurrent requests.
 *
 * The node reported `running` requests in its batch and `queued` waiting, `ageMs` ago. Waiting requests
 * drain at `slots / serviceMs` per ms; `drainShare` of that drain is assumed not refilled by other routers,
 * so the reported queue shrinks with age. The `ownSent` requests this router sent since the report are
 * added in full. With `load` requests ahead: no wait while a slot is free, else
 * `(load − slots + 1) / slots × serviceMs` (the slots free up one every `serviceMs / slots` on average).
 */
export function queueWaitMs(
  slots: number,
  running: number,
  queued: number,
  ownSent: number,
  serviceMs: number,
  ageMs: number,
  drainShare: number,
): number {
  if (slots <= 0) return Number.POSITIVE_INFINITY;
  const drained = ageMs > 0 && serviceMs > 0 ? ((ageMs * slots) / serviceMs) * drainShare : 0;
  const waiting = queued > drained ? queued - drained : 0;
  const load = running + waiting + ownSent;
  if (load < slots) return 0;
  return ((load - slots + 1) / slots) * serviceMs;
}
