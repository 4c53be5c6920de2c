/**
 * The verdict of a spot check: the same request re-executed with deterministic decoding on an
 * independent verifier, and on a mismatch on a third node as tie-breaker. Outputs are compared as digests
 * (exact for deterministic backends). Whoever disagrees with the other two is contradicted; when all
 * three disagree no one is blamed (the check is inconclusive, not evidence).
 */
export type SpotVerdict = 'match' | 'executor' | 'verifier' | 'inconclusive';

/** `tieBreak` is asked only on a mismatch; it returns the third node's digest. */
export function spotVerdict(executor: number, verifier: number, tieBreak: () => number): SpotVerdict {
  if (executor === verifier) return 'match';
  const third = tieBreak();
  if (third === verifier) return 'executor';
  if (third === executor) return 'verifier';
  return 'inconclusive';
}

/** A score below this counts as this (the rate stops rising: 4 × the base rate at most). */
export const SPOT_CHECK_SCORE_FLOOR = 0.25;

/**
 * Probability of spot-checking one answer of a node whose outputs score `score` (0..1, the beta mean of
 * its output checks, `TrustLedger.claimScore`): the base rate
 * divided by the score, so a node without history (0.5) is checked at twice the base rate and a node
 * with contradictions more often, up to 4 × the base rate (and never above 1). A `suspect` node (its
 * output test above 0, or a mismatch awaiting its tie-break) has every answer checked: the test needs a
 * second contradiction to alarm, and checking every answer brings it after about 1 ÷ (lie rate) answers
 * instead of 1 ÷ (rate × lie rate), while an honest node clears its lone contradiction in a few checks.
 * The simulator's router and the live coordinator both draw with it.
 */
export function spotCheckRate(base: number, score: number, suspect = false): number {
  if (!(base > 0)) return 0;
  if (suspect) return 1;
  const s = Number.isFinite(score) ? Math.max(SPOT_CHECK_SCORE_FLOOR, Math.min(1, score)) : 0.5;
  return Math.min(1, base / s);
}
