import { fibreFloorMs, rttMs } from '../geo/rtt-model.js';
import { Vivaldi, type VivaldiOptions } from '../geo/vivaldi.js';
import type { LatLon } from '../model/common.js';

/**
 * Round-trip times learned from samples, with the distance model as the prior. Hosts are numbered
 * 0 … size−1 (a coordinator numbers its nodes first, then the client metros it sees) and each has a
 * place. Every accepted sample moves both hosts' Vivaldi coordinates; a pair is predicted from the
 * coordinates once both hosts have taken `minSamples` samples and the coordinates' local errors are
 * below `maxError`, else from the distance model. Samples below the fibre floor of the two places are
 * physically impossible and refused (counted in `refused`); predictions never go below the floor either.
 */
export interface RttLearnerOptions extends VivaldiOptions {
  /** Samples each host needs before its coordinates are used (default 4). */
  minSamples?: number;
  /** Largest Vivaldi local error (relative) at which coordinates are trusted (default 0.3). */
  maxError?: number;
}

/** Most fibre floors kept (8 bytes each: 32 MB), and as many of the bounds of them by anchor. */
const FLOOR_CELLS = 4_194_304;
/** Side of the grid cells whose first host anchors the others, degrees. */
const ANCHOR_DEG = 1;
/** Slack on the bound from above, relative: covers the rounding of the distances it adds. */
const BOUND_SLACK = 1e-9;

/**
 * Fibre floors from hosts to a fixed list of places, each worked out once: a row per host asked from
 * (NaN: not yet), rows kept while they fit in FLOOR_CELLS (past that, a floor is worked out each time).
 */
class FloorRows {
  private readonly rows = new Map<number, Float64Array>();

  constructor(
    private readonly from: readonly LatLon[],
    private readonly to: readonly LatLon[],
  ) {}

  /** `fibreFloorMs` from host `a` to place `k`. */
  get(a: number, k: number): number {
    let row = this.rows.get(a);
    if (row === undefined) {
      if ((this.rows.size + 1) * this.to.length > FLOOR_CELLS)
        return fibreFloorMs(this.from[a]!, this.to[k]!);
      row = new Float64Array(this.to.length).fill(Number.NaN);
      this.rows.set(a, row);
    }
    let ms = row[k]!;
    if (Number.isNaN(ms)) {
      ms = fibreFloorMs(this.from[a]!, this.to[k]!);
      row[k] = ms;
    }
    return ms;
  }
}

export class RttLearner {
  readonly size: number;
  private readonly places: readonly LatLon[];
  private readonly vivaldi: Vivaldi;
  private readonly count: Uint32Array;
  private readonly minSamples: number;
  private readonly maxError: number;
  /** Samples refused as below the fibre floor. */
  refused = 0;
  /** Fibre floors between hosts (a router asks from a few client hosts to every node). */
  private readonly floors: FloorRows;
  /**
   * A bound from above of each fibre floor that touches little memory, so the floor itself is looked up
   * only when a prediction falls under the bound (floors by pair are rows of the size of the network,
   * and reading them for random candidates was most of a learned prediction's time). Hosts are grouped
   * by ANCHOR_DEG grid cell, the cell's first host its anchor; by the triangle inequality of great-circle
   * distance, floor(a, b) ≤ floor(a, anchor of b) + floor(anchor of b, b).
   */
  private readonly anchorOf: Int32Array;
  private readonly anchors: LatLon[] = [];
  /** Per host: the fibre floor to its anchor, ms. */
  private readonly anchorSlackMs: Float64Array;
  /** Fibre floors from hosts to anchors. */
  private readonly anchorFloors: FloorRows;

  constructor(places: readonly LatLon[], options: RttLearnerOptions = {}) {
    this.size = places.length;
    this.places = places;
    this.vivaldi = new Vivaldi(places.length, options);
    this.count = new Uint32Array(places.length);
    this.minSamples = options.minSamples ?? 4;
    this.maxError = options.maxError ?? 0.3;
    this.anchorOf = new Int32Array(places.length);
    this.anchorSlackMs = new Float64Array(places.length);
    const cells = new Map<number, number>();
    for (let h = 0; h < places.length; h++) {
      const p = places[h]!;
      const cell = Math.floor(p.lat / ANCHOR_DEG) * 1000 + Math.floor(p.lon / ANCHOR_DEG);
      let k = cells.get(cell);
      if (k === undefined) {
        k = this.anchors.length;
        this.anchors.push(p);
        cells.set(cell, k);
      }
      this.anchorOf[h] = k;
      this.anchorSlackMs[h] = fibreFloorMs(this.anchors[k]!, p);
    }
    this.floors = new FloorRows(places, places);
    this.anchorFloors = new FloorRows(places, this.anchors);
  }

  /** Takes one measured round trip between hosts a and b; false when refused. */
  observe(a: number, b: number, ms: number): boolean {
    if (a === b || !(a >= 0 && a < this.size && b >= 0 && b < this.size)) return false;
    if (!(ms > 0) || !Number.isFinite(ms)) return false;
    if (ms < this.floors.get(a, b)) {
      this.refused++;
      return false;
    }
    this.vivaldi.observe(a, b, ms);
    this.vivaldi.observe(b, a, ms);
    this.count[a] = this.count[a]! + 1;
    this.count[b] = this.count[b]! + 1;
    return true;
  }

  /** Whether the pair is predicted from learned coordinates rather than the distance model. */
  learned(a: number, b: number): boolean {
    const v = this.vivaldi;
    return (
      this.count[a]! >= this.minSamples &&
      this.count[b]! >= this.minSamples &&
      v.error(a) <= this.maxError &&
      v.error(b) <= this.maxError
    );
  }

  /** Predicted RTT in ms between hosts a and b (0 for a === b). */
  predictMs(a: number, b: number): number {
    if (a === b) return 0;
    const learned = this.learnedMs(a, b);
    return learned >= 0 ? learned : rttMs(this.places[a]!, this.places[b]!);
  }

  /**
   * `predictMs(a, b)` when the pair is `learned` (never below the fibre floor, so never negative), else
   * −1: one check instead of two on a router's path.
   */
  learnedMs(a: number, b: number): number {
    if (!this.learned(a, b)) return -1;
    if (a === b) return 0;
    const ms = this.vivaldi.predict(a, b);
    // At or above a bound of the floor, the prediction is the answer: max(ms, floor) = ms.
    if (ms >= this.floorBoundMs(a, b)) return ms;
    return Math.max(ms, this.floors.get(a, b));
  }

  /** A bound from above of the fibre floor of hosts a and b (see `anchorOf`). */
  private floorBoundMs(a: number, b: number): number {
    const ms = this.anchorFloors.get(a, this.anchorOf[b]!);
    return (ms + this.anchorSlackMs[b]!) * (1 + BOUND_SLACK) + BOUND_SLACK;
  }

  /** Relative uncertainty of `predictMs(a, b)`: the larger local error when learned, else `priorError`. */
  relativeError(a: number, b: number, priorError: number): number {
    if (a === b) return 0;
    if (!this.learned(a, b)) return priorError;
    return Math.max(this.vivaldi.error(a), this.vivaldi.error(b));
  }
}
