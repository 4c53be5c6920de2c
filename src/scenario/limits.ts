import type { ResolvedDemand } from './types.js';

/**
 * How large a simulation a scenario (or a command-line override) may ask for. The simulator holds every
 * request in flight in memory and works through every arrival, so a typo such as `totalRps: 1e9` or
 * `durationS: 1e20` would otherwise run out of memory or never end, after passing every other check.
 * The limits are far above the built-in scenarios (the busiest, `global`, asks for 3.6 million requests
 * an hour; the longest, `shifting-demand`, 4 days).
 */

/** Longest simulated time: 31 days, in seconds. */
export const MAX_DURATION_S = 31 * 86_400;

/** Largest multiplier a demand burst may apply. */
export const MAX_BURST_FACTOR = 1000;

/** Most arrivals one synthetic demand may ask for in a run (about 28 hours of `global`). */
export const MAX_REQUESTS = 100_000_000;

/** What a synthetic demand asks for, as far as its size goes. */
export interface DemandSize {
  /** Mean requests per second. */
  readonly totalRps: number;
  readonly bursts: readonly { readonly durationS: number; readonly factor: number }[];
  /** Growth per day of some clients' demand (the largest counts for all: an upper bound). */
  readonly growth?: readonly { readonly perDay: number }[];
}

/**
 * An upper bound on the arrivals `demand` makes over `durationS` seconds: the mean rate over the whole
 * run, each burst's extra rate over its length, all of it grown by the fastest growth to the run's end.
 */
export function expectedRequests(demand: DemandSize, durationS: number): number {
  let seconds = durationS;
  for (const b of demand.bursts) seconds += Math.max(0, b.factor - 1) * Math.min(b.durationS, durationS);
  const perDay = Math.max(0, ...(demand.growth ?? []).map((g) => g.perDay));
  return demand.totalRps * seconds * (1 + perDay) ** (durationS / 86_400);
}

/**
 * Why a run of `durationS` seconds of `demand` is too large for the simulator, or undefined when it is
 * not; the words name the numbers that make it so and what to lower.
 */
export function simulationTooLarge(demand: DemandSize, durationS: number): string | undefined {
  if (durationS > MAX_DURATION_S)
    return `${durationS} s simulated is more than the ${MAX_DURATION_S} s (31 days) the simulator runs`;
  const requests = expectedRequests(demand, durationS);
  if (!(requests <= MAX_REQUESTS))
    return `the demand asks for about ${requests.toPrecision(3)} requests (totalRps ${demand.totalRps} over ${durationS} s, with its bursts and growth); the simulator takes at most ${MAX_REQUESTS.toLocaleString('en-US')} in one run: lower totalRps or the duration`;
  return undefined;
}

/** `simulationTooLarge` of a resolved scenario's demand (a trace's size is its file's, so only its duration counts). */
export function runTooLarge(demand: ResolvedDemand, durationS: number): string | undefined {
  return simulationTooLarge(demand.kind === 'synthetic' ? demand : { totalRps: 0, bursts: [] }, durationS);
}
