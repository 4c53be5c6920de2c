import { nearestPoint } from '../geo/nearest.js';
import type { RttMatrix } from '../geo/rtt-matrix.js';
import { RTT_MODEL, rttMs } from '../geo/rtt-model.js';
import type { LatLon } from '../model/common.js';
import type { Node } from '../model/node.js';
import { hashString } from '../util/rng.js';
import type { ClientMetro } from './input.js';

/** A 32-bit integer finaliser (MurmurHash3's fmix32). */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Multiplicative jitter of one pair, exp(σ·z) with z standard normal derived from the seed and the two
 * keys' hashes (order-free): the same pair always gets the same factor, without consuming any stream.
 */
export function pairJitterHashed(seed: number, hashA: number, hashB: number, sigma: number): number {
  if (sigma <= 0) return 1;
  const lo = Math.min(hashA, hashB);
  const hi = Math.max(hashA, hashB);
  const h1 = mix32(mix32(seed ^ lo) ^ hi);
  const h2 = mix32(h1 ^ 0x68e31da4);
  const u1 = (h1 + 0.5) / 4294967296;
  const u2 = (h2 + 0.5) / 4294967296;
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.exp(sigma * z);
}

/** `pairJitterHashed` of two string keys (e.g. `metro:frankfurt`, `node:n-17`). */
export function pairJitter(seed: number, keyA: string, keyB: string, sigma: number): number {
  return pairJitterHashed(seed, hashString(keyA), hashString(keyB), sigma);
}

/** Round-trip cost of a detour of `km` each way under the geo model, without the access term. */
function legMs(km: number): number {
  return ((2 * km) / RTT_MODEL.fibreKmPerMs) * RTT_MODEL.inflation;
}

/**
 * The true round-trip times of a simulated network, which the router never sees directly.
 * - With a measured matrix: each point takes its nearest matrix city; RTT = measured RTT between the two
 *   cities + the geo-model cost of the legs from each point to its city. Same city or unmeasured pair →
 *   geo model with jitter.
 * - Otherwise: geo model `rttMs` × per-pair jitter.
 * Client→node RTTs are tabled (metros × nodes); node→node RTTs are computed on demand.
 */
export class TruthRtt {
  /** RTT ms, row-major [metro * nodeCount + node]. */
  readonly clientNode: Float64Array;
  private readonly nodeCity: Int32Array;
  private readonly nodeLegMs: Float64Array;
  /** hashString(`node:<id>`) of each node. */
  private readonly nodeHash: Uint32Array;
  /** Node→node RTTs computed so far, by `i * nodes + j` (i < j). */
  private readonly pairCache = new Map<number, number>();

  constructor(
    private readonly metros: readonly ClientMetro[],
    private readonly nodes: readonly Node[],
    private readonly seed: number,
    private readonly sigma: number,
    private readonly matrix?: RttMatrix,
  ) {
    const nn = nodes.length;
    this.nodeCity = new Int32Array(nn).fill(-1);
    this.nodeLegMs = new Float64Array(nn);
    this.nodeHash = Uint32Array.from(nodes, (n) => hashString(`node:${n.id}`));
    if (matrix && matrix.names.length > 0) {
      nodes.forEach((node, i) => {
        const c = nearestPoint(matrix.coords, node.location);
        this.nodeCity[i] = c.index;
        this.nodeLegMs[i] = legMs(c.km);
      });
    }
    this.clientNode = new Float64Array(metros.length * nn);
    metros.forEach((metro, m) => {
      const city = matrix && matrix.names.length > 0 ? nearestPoint(matrix.coords, metro) : undefined;
      const metroHash = hashString(`metro:${metro.id}`);
      for (let i = 0; i < nn; i++) {
        this.clientNode[m * nn + i] = this.compute(
          metro,
          metroHash,
          city?.index ?? -1,
          city ? legMs(city.km) : 0,
          i,
        );
      }
    });
  }

  /** True RTT (ms) between client metro `m` and node `i`. */
  client(m: number, i: number): number {
    return this.clientNode[m * this.nodes.length + i]!;
  }

  /** True RTT (ms) between nodes `i` and `j`. */
  between(i: number, j: number): number {
    if (i === j) return 0;
    const lo = Math.min(i, j);
    const hi = Math.max(i, j);
    const id = lo * this.nodes.length + hi;
    let ms = this.pairCache.get(id);
    if (ms === undefined) {
      const a = this.nodes[lo]!;
      ms = this.compute(a.location, this.nodeHash[lo]!, this.nodeCity[lo]!, this.nodeLegMs[lo]!, hi);
      this.pairCache.set(id, ms);
    }
    return ms;
  }

  private compute(p: LatLon, keyHash: number, city: number, leg: number, node: number): number {
    const b = this.nodes[node]!;
    const m = this.matrix;
    const cityB = this.nodeCity[node]!;
    if (m && city >= 0 && cityB >= 0 && city !== cityB) {
      const measured = m.rtt[city * m.names.length + cityB]!;
      if (measured > 0) return measured + leg + this.nodeLegMs[node]!;
    }
    return rttMs(p, b.location) * pairJitterHashed(this.seed, keyHash, this.nodeHash[node]!, this.sigma);
  }

  get metroCount(): number {
    return this.metros.length;
  }
}
