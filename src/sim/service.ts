/** Prefill time (ms) of `inputTokens` at `per1kMs` per 1,000 tokens, times the mode's cost factor. */
export function prefillMs(per1kMs: number, inputTokens: number, costFactor: number): number {
  return (inputTokens / 1000) * per1kMs * costFactor;
}

/**
 * Decode time (ms) of `outputTokens` in a batch of `batch` running requests (this one included):
 * per-token step d × (1 + s × (batch − 1)), i.e. α + β·batch with α = d(1 − s), β = d·s.
 */
export function decodeMs(
  perTokenMs: number,
  slope: number,
  outputTokens: number,
  batch: number,
  costFactor: number,
): number {
  const b = Math.max(batch, 1);
  return outputTokens * perTokenMs * (1 + slope * (b - 1)) * costFactor;
}

/** Time (ms) to move `gb` gigabytes at `gbps` GB/s; 0 for nothing to move, Infinity at zero bandwidth. */
export function transferMs(gb: number, gbps: number): number {
  if (gb <= 0) return 0;
  return gbps > 0 ? (gb / gbps) * 1000 : Number.POSITIVE_INFINITY;
}
