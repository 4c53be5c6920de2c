import type { WeightedId } from './types.js';

/** Weight helpers shared by generators and demand. */

/** Zipf weights 1/rank^s for ranks 1..n, normalised to sum 1; empty for n = 0. */
export function zipfWeights(n: number, s: number): number[] {
  const raw = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / total);
}

/** Drops non-positive weights and normalises the rest to sum 1 (order kept); empty when none is positive. */
export function normalise(entries: Iterable<readonly [string, number]>): WeightedId[] {
  const kept = [...entries].filter(([, w]) => w > 0);
  const total = kept.reduce((s, [, w]) => s + w, 0);
  return kept.map(([id, w]) => ({ id, weight: w / total }));
}
