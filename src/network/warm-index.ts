import { type RunBuckets, runEnds } from './csr.js';
import type { Dynamics } from './dynamics.js';
import { ACCEL_COUNT } from './models.js';
import { ROLE_INFERENCE, type Topology } from './topology.js';

/** Buckets whose arrays a later rebuild reuses (`fill` is the rebuild's cursor array). */
export interface ReusableBuckets extends RunBuckets {
  start: Int32Array;
  items: Int32Array;
  runEnd: Int32Array;
  fill: Int32Array;
}

/**
 * The warm index of a view: inference nodes that have a model resident in accelerator memory or loading.
 * `byMetro` buckets them per `model × node metro`, `bySpeed` per model across every metro; both list the
 * nodes fastest accelerator class first (the topology's speed order).
 */
export interface WarmIndex {
  byMetro: ReusableBuckets;
  bySpeed: ReusableBuckets;
}

function reusable(into: ReusableBuckets | undefined, buckets: number): ReusableBuckets {
  if (into && into.start.length === buckets + 1) {
    into.start.fill(0);
    return into;
  }
  return {
    start: new Int32Array(buckets + 1),
    items: new Int32Array(16),
    runEnd: new Int32Array(16),
    fill: new Int32Array(buckets),
  };
}

/**
 * Builds (or rebuilds in place, reusing `into`'s arrays when they fit) the warm index from each node's
 * resident list and the model it is loading. Refreshing a view every staleness interval allocates nothing
 * in the steady state.
 */
export function buildWarmIndex(
  t: Topology,
  d: Dynamics,
  residents: readonly (readonly number[])[],
  into?: WarmIndex,
): WarmIndex {
  const mn = t.metros.nodeMetroCount;
  const models = t.models.count;
  const byMetro = reusable(into?.byMetro, models * mn);
  const bySpeed = reusable(into?.bySpeed, models);
  const served = t.models.served;
  const loading = d.loadingModel;
  const order = t.speedOrder;
  const visit = (emit: (m: number, metro: number, i: number) => void) => {
    for (let k = 0; k < t.n; k++) {
      const i = order[k]!;
      if ((t.roleBits[i]! & ROLE_INFERENCE) === 0) continue;
      const metro = t.nodeMetro[i]!;
      const accel = t.accel[i]!;
      const list = residents[i]!;
      for (let r = 0; r < list.length; r++) {
        const m = list[r]!;
        if (served[m * ACCEL_COUNT + accel] === 1) emit(m, metro, i);
      }
      const l = loading[i]!;
      if (l >= 0 && served[l * ACCEL_COUNT + accel] === 1) emit(l, metro, i);
    }
  };
  let total = 0;
  visit((m, metro) => {
    byMetro.start[m * mn + metro + 1]!++;
    bySpeed.start[m + 1]!++;
    total++;
  });
  for (let b = 0; b < models * mn; b++) byMetro.start[b + 1]! += byMetro.start[b]!;
  for (let b = 0; b < models; b++) bySpeed.start[b + 1]! += bySpeed.start[b]!;
  if (byMetro.items.length < total) byMetro.items = new Int32Array(Math.ceil(total * 1.25) + 16);
  if (bySpeed.items.length < total) bySpeed.items = new Int32Array(Math.ceil(total * 1.25) + 16);
  byMetro.fill.set(byMetro.start.subarray(0, models * mn));
  bySpeed.fill.set(bySpeed.start.subarray(0, models));
  visit((m, metro, i) => {
    byMetro.items[byMetro.fill[m * mn + metro]!++] = i;
    bySpeed.items[bySpeed.fill[m]!++] = i;
  });
  const speed = (i: number) => t.accelRank[t.accel[i]!]!;
  byMetro.runEnd = runEnds(byMetro, speed, byMetro.runEnd);
  bySpeed.runEnd = runEnds(bySpeed, speed, bySpeed.runEnd);
  return { byMetro, bySpeed };
}
