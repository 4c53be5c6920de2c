/**
 * The execution physics of one request, shared by the router's estimate and the simulator's truth (one
 * copy: the two may differ only in the numbers they are given, never in the formulas).
 */

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

/**
 * Service time (ms) of one request once it starts: `prefillMs` of `inputTokens` plus `decodeMs` of
 * `outputTokens` in a batch of `batch` requests, both times the cost factor of the execution mode (TEE,
 * zkML; 1 for vanilla).
 */
export function serviceMs(
  inputTokens: number,
  outputTokens: number,
  prefillMsPer1k: number,
  decodeMsPerToken: number,
  decodeSlope: number,
  batch: number,
  costFactor: number,
): number {
  return (
    prefillMs(prefillMsPer1k, inputTokens, costFactor) +
    decodeMs(decodeMsPerToken, decodeSlope, outputTokens, batch, costFactor)
  );
}
