import { ACCELERATOR_CLASSES, type AcceleratorClass, VERIFICATION_MODES } from '../model/common.js';
import type { Model } from '../model/model.js';

/** Number of accelerator classes; performance tables are `models × ACCEL_COUNT`. */
export const ACCEL_COUNT = ACCELERATOR_CLASSES.length;
export const ACCEL_INDEX: ReadonlyMap<AcceleratorClass, number> = new Map(
  ACCELERATOR_CLASSES.map((a, k) => [a, k]),
);
export const ACCEL_API = ACCEL_INDEX.get('api')!;
export const ACCEL_CPU = ACCEL_INDEX.get('cpu')!;

/** Execution / verification modes as dense indexes (0 vanilla, 1 tee, 2 zkml) and bits (1 << index). */
export const MODE_COUNT = VERIFICATION_MODES.length;
export const MODE_INDEX: ReadonlyMap<string, number> = new Map(VERIFICATION_MODES.map((m, k) => [m, k]));
export const MODE_VANILLA = 0;
export const MODE_TEE = 1;
export const MODE_ZKML = 2;

/** Models as dense tables: weights, per-accelerator performance, per-mode verification support. */
export interface ModelTable {
  readonly ids: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  readonly count: number;
  readonly models: readonly Model[];
  readonly weightsGb: Float64Array;
  /** `model × ACCEL_COUNT + accelerator`: 1 when the model has a performance entry for the class. */
  readonly served: Uint8Array;
  readonly prefillMsPer1k: Float64Array;
  readonly decodeMsPerToken: Float64Array;
  readonly decodeSlope: Float64Array;
  /** Devices the numbers are stated for (0 when they hold for any device count). */
  readonly perfDevices: Int32Array;
  /** Bit `1 << mode` set when the model supports that verification mode. */
  readonly modeBits: Uint8Array;
  /** `model × MODE_COUNT + mode`: execution cost multiplier and verifier check time (ms). */
  readonly costFactor: Float64Array;
  readonly verifyMs: Float64Array;
}

export function buildModelTable(models: readonly Model[]): ModelTable {
  const count = models.length;
  const index = new Map<string, number>();
  const served = new Uint8Array(count * ACCEL_COUNT);
  const prefillMsPer1k = new Float64Array(count * ACCEL_COUNT);
  const decodeMsPerToken = new Float64Array(count * ACCEL_COUNT);
  const decodeSlope = new Float64Array(count * ACCEL_COUNT);
  const perfDevices = new Int32Array(count * ACCEL_COUNT);
  const modeBits = new Uint8Array(count);
  const costFactor = new Float64Array(count * MODE_COUNT).fill(1);
  const verifyMs = new Float64Array(count * MODE_COUNT);
  const weightsGb = new Float64Array(count);
  models.forEach((model, m) => {
    index.set(model.id, m);
    weightsGb[m] = model.weightsGb;
    for (const [accel, perf] of Object.entries(model.performance)) {
      if (!perf) continue;
      const k = m * ACCEL_COUNT + ACCEL_INDEX.get(accel as AcceleratorClass)!;
      served[k] = 1;
      prefillMsPer1k[k] = perf.prefillMsPer1k;
      decodeMsPerToken[k] = perf.decodeMsPerToken;
      decodeSlope[k] = perf.decodeSlope;
      perfDevices[k] = perf.devices ?? 0;
    }
    for (const v of model.verification) {
      const mode = MODE_INDEX.get(v.mode)!;
      modeBits[m]! |= 1 << mode;
      costFactor[m * MODE_COUNT + mode] = v.costFactor;
      verifyMs[m * MODE_COUNT + mode] = v.verifyMs;
    }
  });
  return {
    ids: models.map((m) => m.id),
    index,
    count,
    models,
    weightsGb,
    served,
    prefillMsPer1k,
    decodeMsPerToken,
    decodeSlope,
    perfDevices,
    modeBits,
    costFactor,
    verifyMs,
  };
}

/**
 * A speed rank per accelerator class (0 = fastest): classes ordered by their mean position when each
 * model ranks the classes serving it by decode time per token. Classes no model serves come last.
 */
export function acceleratorRank(t: ModelTable): Uint8Array {
  const sum = new Float64Array(ACCEL_COUNT);
  const seen = new Float64Array(ACCEL_COUNT);
  for (let m = 0; m < t.count; m++) {
    const classes: number[] = [];
    for (let a = 0; a < ACCEL_COUNT; a++) if (t.served[m * ACCEL_COUNT + a]) classes.push(a);
    classes.sort(
      (x, y) => t.decodeMsPerToken[m * ACCEL_COUNT + x]! - t.decodeMsPerToken[m * ACCEL_COUNT + y]!,
    );
    classes.forEach((a, position) => {
      sum[a]! += position / Math.max(1, classes.length - 1);
      seen[a]!++;
    });
  }
  const order = Array.from({ length: ACCEL_COUNT }, (_, a) => a).sort((x, y) => {
    const mx = seen[x]! > 0 ? sum[x]! / seen[x]! : 2;
    const my = seen[y]! > 0 ? sum[y]! / seen[y]! : 2;
    return mx - my || x - y;
  });
  const rank = new Uint8Array(ACCEL_COUNT);
  order.forEach((a, r) => {
    rank[a] = r;
  });
  return rank;
}
