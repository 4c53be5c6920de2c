/**
 * Service time (ms) of one request once it starts: prefill of `inputTokens` plus decode of `outputTokens`
 * at the per-token time for a batch of `batch` requests (`decodeMsPerToken × (1 + decodeSlope × (batch −
 * 1))`), times the cost factor of the execution mode (TEE, zkML; 1 for vanilla).
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
  const prefill = (inputTokens / 1000) * prefillMsPer1k;
  return (prefill + outputTokens * decodeMsPerTokenAt(decodeMsPerToken, decodeSlope, batch)) * costFactor;
}

/** Decode time of one token in a batch of `batch` requests, ms (before the cost factor). */
export function decodeMsPerTokenAt(decodeMsPerToken: number, decodeSlope: number, batch: number): number {
  return decodeMsPerToken * (1 + decodeSlope * (batch > 1 ? batch - 1 : 0));
}
