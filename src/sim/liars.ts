import type { Node } from '../model/node.js';
import { LIES, type Lie } from '../scenario/schema/liars.js';
import type { Rng } from '../util/rng.js';

/** One lying node of a run, by index (see the scenario's `liars` section). */
export interface SimLiar {
  node: number;
  lie: Lie;
  /** Share of telemetry reports (warm, queue) or outputs (output) that lie. */
  rate: number;
  /** Where a location liar claims to be. */
  claim?: { metro: string; lat: number; lon: number };
  /** speed: how many times faster than it runs its declared hardware is. */
  factor?: number;
}

export const NO_LIE = -1;
export const WARM_LIE = LIES.indexOf('warm');

/**
 * The liars of a run, per node: what each lies about (an index of LIES, NO_LIE for an honest node) and
 * how often. Part of the hidden truth: the router never reads it; it meets the lies only through the
 * telemetry, round trips and outputs the liars produce.
 */
export class LiarTable {
  readonly lie: Int8Array;
  readonly rate: Float64Array;

  constructor(
    readonly list: readonly SimLiar[],
    nodeCount: number,
  ) {
    this.lie = new Int8Array(nodeCount).fill(NO_LIE);
    this.rate = new Float64Array(nodeCount);
    for (const l of list) {
      if (!(l.node >= 0 && l.node < nodeCount)) continue;
      this.lie[l.node] = LIES.indexOf(l.lie);
      this.rate[l.node] = l.rate;
    }
  }

  /** Node `n` lies `lie` in this report (a draw at its rate; no draw for honest nodes). */
  lies(n: number, lie: Lie, rng: Rng): boolean {
    if (this.lie[n] !== LIES.indexOf(lie)) return false;
    const r = this.rate[n]!;
    return r >= 1 || rng.chance(r);
  }

  /** Digest of the output node `n` returns: 0 is the right output, anything else a wrong one. */
  outputDigest(n: number, rng: Rng): number {
    return this.lies(n, 'output', rng) ? 1 + rng.int(0x7fffffff) : 0;
  }
}

/**
 * The speed liars' slowdowns by node index: each runs every prefill and decode `factor` times slower than
 * the catalog's numbers for the hardware it declared (part of the hidden truth, `HiddenTruth`).
 */
export function speedLies(liars: readonly SimLiar[] | undefined): Map<number, number> {
  const out = new Map<number, number>();
  for (const l of liars ?? []) if (l.lie === 'speed' && l.factor !== undefined) out.set(l.node, l.factor);
  return out;
}

/** The nodes as they register: a location liar at its claimed place, every other node as it is. */
export function claimedNodes(nodes: readonly Node[], liars: readonly SimLiar[] | undefined): Node[] {
  const claims = new Map<number, NonNullable<SimLiar['claim']>>();
  for (const l of liars ?? []) if (l.claim) claims.set(l.node, l.claim);
  if (claims.size === 0) return [...nodes];
  return nodes.map((n, i) => {
    const c = claims.get(i);
    return c ? { ...n, location: { lat: c.lat, lon: c.lon, metro: c.metro } } : n;
  });
}
