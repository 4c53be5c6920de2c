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
