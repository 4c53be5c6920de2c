/**
 * Mean wait in queue (in units of the mean service time) of an M/M/c queue with offered load
 * a = λ / μ erlangs: W_q·μ = C(c, a) / (c − a), where C is the Erlang C probability of waiting.
 * Computed through the Erlang B recursion B(k) = a·B(k−1) / (k + a·B(k−1)), which stays finite for
 * thousands of servers. Infinity when the queue is unstable (a ≥ c) or there are no servers; 0 without
 * load.
 */
export function erlangCWait(c: number, a: number): number {
  if (!(a > 0)) return 0;
  const servers = Math.floor(c);
  if (!(servers >= 1) || a >= servers) return Number.POSITIVE_INFINITY;
  return erlangCProbability(servers, a) / (servers - a);
}

/** Erlang B below which the probability of waiting counts as 0 (see `erlangCProbability`). */
const NEGLIGIBLE_B = 1e-30;

/**
 * Erlang C: the probability that an arrival waits in an M/M/c queue at a = λ / μ erlangs. 1 when the
 * queue is unstable (a ≥ c) or there are no servers; 0 without load. The recursion stops early once B is
 * negligible past the load (a wait under 1e-30 service times counts as none).
 */
export function erlangCProbability(c: number, a: number): number {
  if (!(a > 0)) return 0;
  const servers = Math.floor(c);
  if (!(servers >= 1) || a >= servers) return 1;
  let b = 1;
  for (let k = 1; k <= servers; k++) {
    b = (a * b) / (k + a * b);
    // Past the load every step shrinks B (by a / k or more), so once B < NEGLIGIBLE_B every later B is
    // smaller still and C < c · NEGLIGIBLE_B / (c − a): far more servers than load, no one waits.
    if (b < NEGLIGIBLE_B && k > a) return 0;
  }
  return (servers * b) / (servers - a * (1 - b));
}
