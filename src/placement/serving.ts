import type { PlacementInput } from './types.js';

/**
 * Which replicas would serve demand (docs/placement.md): a nearest-first router sends a demand metro's
 * requests for a model to its nearest warm replica, so a new replica serves someone only where it is
 * nearer than every existing one. The instance offers only such (site, model) options, so no node is
 * recommended for second-provider coverage or provider diversity alone.
 */

/** Per (demand, model): RTT to the nearest existing warm replica of the model (Infinity without one). */
export function nearestExisting(
  input: PlacementInput,
  modelIndex: ReadonlyMap<string, number>,
): Float64Array {
  const nM = input.models.length;
  const out = new Float64Array(input.demand.length * nM).fill(Number.POSITIVE_INFINITY);
  input.demand.forEach((d, i) => {
    for (const n of input.existing) {
      if (n.warm.length === 0) continue;
      const rtt = input.rtt(d.metro, n.metro);
      for (const id of n.warm) {
        const m = modelIndex.get(id);
        if (m !== undefined && rtt < out[i * nM + m]!) out[i * nM + m] = rtt;
      }
    }
  });
  return out;
}

/**
 * Whether a replica of model `m` in `metro` would serve demand: some demand metro with demand for `m`
 * is within the threshold of it and strictly nearer to it than to every existing warm replica of `m`.
 */
export function servesDemand(
  input: PlacementInput,
  nearest: Float64Array,
  metro: string,
  m: number,
): boolean {
  const nM = input.models.length;
  if (!(input.models[m]!.popularity > 0)) return false;
  return input.demand.some((d, i) => {
    if (!(d.weight > 0)) return false;
    const rtt = input.rtt(d.metro, metro);
    return rtt <= input.options.thresholdMs && rtt < nearest[i * nM + m]!;
  });
}
