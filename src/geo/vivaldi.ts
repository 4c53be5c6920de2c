import { Rng } from '../util/rng.js';
import type { NetworkCoordinates } from './coordinates.js';

/**
 * Vivaldi network coordinates with height vectors (Dabek, Cox, Kaashoek, Morris, "Vivaldi: A
 * Decentralized Network Coordinate System", SIGCOMM 2004). Each host has a point in a Euclidean space
 * plus a height (its access-link delay); the predicted RTT is the Euclidean distance plus both heights.
 * Each sample moves one host along the spring force, with the paper's adaptive timestep
 * δ = cc · e_i / (e_i + e_j) and moving-average local error e_i (weights ce). All state is in typed
 * arrays; the same seed and the same samples give the same coordinates.
 */

export interface VivaldiOptions {
  /** Euclidean dimensions (default 3). */
  dims?: number;
  /** Use a height per host (default true). */
  height?: boolean;
  /** Timestep constant cc (default 0.25). */
  cc?: number;
  /** Error moving-average constant ce (default 0.25). */
  ce?: number;
  /** Initial local error of a fresh host (default 1). */
  initialError?: number;
  /** Smallest height, ms (default 0.1). */
  minHeight?: number;
  /** Seed for the random directions used when two hosts coincide (default 1). */
  seed?: number;
}

/** A plain, JSON-friendly copy of learned coordinates. */
export interface VivaldiSnapshot {
  dims: number;
  /** size × dims numbers, row-major. */
  coords: number[];
  heights: number[];
  errors: number[];
}

const MIN_ERROR = 1e-3;

export class Vivaldi implements NetworkCoordinates {
  readonly size: number;
  readonly dims: number;
  private readonly useHeight: boolean;
  private readonly cc: number;
  private readonly ce: number;
  private readonly minHeight: number;
  private readonly x: Float64Array;
  private readonly h: Float64Array;
  private readonly err: Float64Array;
  private readonly rng: Rng;
  private readonly dir: Float64Array;

  constructor(size: number, options: VivaldiOptions = {}) {
    const {
      dims = 3,
      height = true,
      cc = 0.25,
      ce = 0.25,
      initialError = 1,
      minHeight = 0.1,
      seed = 1,
    } = options;
    if (!Number.isInteger(size) || size < 0)
      throw new RangeError(`Vivaldi: size must be an integer ≥ 0 (got ${size})`);
    if (!Number.isInteger(dims) || dims < 1)
      throw new RangeError(`Vivaldi: dims must be an integer ≥ 1 (got ${dims})`);
    this.size = size;
    this.dims = dims;
    this.useHeight = height;
    this.cc = cc;
    this.ce = ce;
    this.minHeight = height ? minHeight : 0;
    this.x = new Float64Array(size * dims);
    this.h = new Float64Array(size).fill(this.minHeight);
    this.err = new Float64Array(size).fill(initialError);
    this.rng = new Rng(seed);
    this.dir = new Float64Array(dims);
  }

  /** Euclidean part of the distance between hosts i and j. */
  private euclid(i: number, j: number): number {
    const d = this.dims;
    let s = 0;
    for (let k = 0; k < d; k++) {
      const v = this.x[i * d + k]! - this.x[j * d + k]!;
      s += v * v;
    }
    return Math.sqrt(s);
  }

  /** Predicted RTT in ms between hosts i and j (0 for i === j). */
  predict(i: number, j: number): number {
    if (i === j) return 0;
    return this.euclid(i, j) + this.h[i]! + this.h[j]!;
  }

  predictMs(a: number, b: number): number {
    return this.predict(a, b);
  }

  /** Local error estimate of host i (relative; starts at `initialError`). */
  error(i: number): number {
    return this.err[i]!;
  }

  /**
   * Updates host i from one RTT sample (ms) against host j. Non-finite or non-positive samples and
   * i === j are ignored. Host j does not move.
   */
  observe(i: number, j: number, rttMs: number): void {
    if (i === j || !(rttMs > 0) || !Number.isFinite(rttMs)) return;
    const d = this.dims;
    const ei = this.err[i]!;
    const ej = this.err[j]!;
    const w = ei / (ei + ej);
    const eu = this.euclid(i, j);
    const dist = eu + this.h[i]! + this.h[j]!;
    const sampleErr = Math.abs(dist - rttMs) / rttMs;
    this.err[i] = Math.max(MIN_ERROR, sampleErr * this.ce * w + ei * (1 - this.ce * w));
    const force = this.cc * w * (rttMs - dist);
    // Unit vector from j to i in the space [x, height]: (x_i − x_j, h_i + h_j) / (‖x_i − x_j‖ + h_i + h_j).
    if (eu > 1e-9) {
      for (let k = 0; k < d; k++) this.dir[k] = (this.x[i * d + k]! - this.x[j * d + k]!) / dist;
    } else {
      // Coincident points: a random unit direction so that the two can separate.
      let norm = 0;
      for (let k = 0; k < d; k++) {
        const v = this.rng.next() - 0.5;
        this.dir[k] = v;
        norm += v * v;
      }
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < d; k++) this.dir[k] = this.dir[k]! / norm;
    }
    for (let k = 0; k < d; k++) this.x[i * d + k] = this.x[i * d + k]! + force * this.dir[k]!;
    if (this.useHeight && dist > 0) {
      const hi = this.h[i]! + (force * (this.h[i]! + this.h[j]!)) / dist;
      this.h[i] = Math.max(this.minHeight, hi);
    }
  }

  /** A JSON-friendly copy of the coordinates, heights and errors. */
  snapshot(): VivaldiSnapshot {
    return {
      dims: this.dims,
      coords: Array.from(this.x),
      heights: Array.from(this.h),
      errors: Array.from(this.err),
    };
  }

  /** Coordinates restored from a snapshot (further observations continue from there). */
  static fromSnapshot(s: VivaldiSnapshot, options: Omit<VivaldiOptions, 'dims'> = {}): Vivaldi {
    const size = s.heights.length;
    if (s.coords.length !== size * s.dims || s.errors.length !== size) {
      throw new RangeError(
        `Vivaldi snapshot: expected ${size * s.dims} coordinates and ${size} errors (got ${s.coords.length} and ${s.errors.length})`,
      );
    }
    const v = new Vivaldi(size, { ...options, dims: s.dims });
    v.x.set(s.coords);
    v.h.set(s.heights);
    v.err.set(s.errors);
    return v;
  }
}
