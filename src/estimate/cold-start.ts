/** Time (ms) to move `gb` gigabytes at `GBps` GB/s; 0 for nothing to move, Infinity at zero bandwidth. */
export function transferMs(gb: number, GBps: number): number {
  if (gb <= 0) return 0;
  return GBps > 0 ? (gb / GBps) * 1000 : Number.POSITIVE_INFINITY;
}

/**
 * Bandwidth (GB/s) of the fastest source holding a model's weights for a node: host RAM when the
 * weights are there (tier ≤ 1), local disk (tier ≤ 2), a peer in the same metro with the model resident
 * (`peerGBps`, 0 when there is none), else the remote store.
 */
export function fastestSourceGBps(
  tier: number,
  hostRamGBps: number,
  localDiskGBps: number,
  remoteGBps: number,
  peerGBps: number,
): number {
  let best = Math.max(remoteGBps, peerGBps);
  if (tier <= 2 && localDiskGBps > best) best = localDiskGBps;
  if (tier <= 1 && hostRamGBps > best) best = hostRamGBps;
  return best;
}

/**
 * Wait (ms) for memory held by running requests: a load that must evict a model in use starts only when
 * that model's requests have finished. With `running` requests of mean service `serviceMs` (memoryless
 * residuals), the last of them ends after `serviceMs × H(running)` on average, H the harmonic number
 * (1, 1.5, 1.83, … for 1, 2, 3 requests). 0 with nothing running. It assumes every running request holds
 * the memory the load needs, which is exact on a node that holds one model and an upper bound where an
 * idle model could be evicted instead.
 */
export function memoryDrainMs(running: number, serviceMs: number): number {
  let h = 0;
  for (let k = 1; k <= running; k++) h += 1 / k;
  return serviceMs * h;
}

/**
 * Cold start (ms) of a model that is not resident: wait for a load already in progress (`busyMs`), evict
 * when memory is full (`evictMs`, 0 when the weights fit beside what is resident), then load `weightsGb`
 * at `GBps`.
 */
export function coldStartMs(weightsGb: number, GBps: number, busyMs: number, evictMs: number): number {
  return busyMs + evictMs + transferMs(weightsGb, GBps);
}

/**
 * Wait (ms) before a request starts on a node: its queue wait and its cold start. A load that fits beside
 * what is resident runs while the node keeps serving the requests ahead, so the two overlap (the larger
 * one counts); a load that must first evict waits for memory, so they add up.
 */
export function startWaitMs(queueMs: number, coldMs: number, overlaps: boolean): number {
  if (coldMs <= 0) return queueMs;
  return overlaps ? Math.max(queueMs, coldMs) : queueMs + coldMs;
}
