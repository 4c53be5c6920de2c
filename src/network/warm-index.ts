import { type RunBuckets, runEnds } from './csr.js';
import type { Dynamics } from './dynamics.js';
import { ACCEL_COUNT } from './models.js';
import { ROLE_INFERENCE, type Topology } from './topology.js';

/**
 * Buckets whose arrays a later rebuild or patch reuses (`fill` is the rebuild's cursor array, `spare` and
 * `spareRunEnd` hold the old items while a patch rewrites them).
 */
export interface ReusableBuckets extends RunBuckets {
  start: Int32Array;
  items: Int32Array;
  runEnd: Int32Array;
  fill: Int32Array;
  spare?: Int32Array;
  spareRunEnd?: Int32Array;
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
  const speed = speedKey(t);
  byMetro.runEnd = runEnds(byMetro, speed, byMetro.runEnd);
  bySpeed.runEnd = runEnds(bySpeed, speed, bySpeed.runEnd);
  return { byMetro, bySpeed };
}

const speedKeys = new WeakMap<Topology, (i: number) => number>();
const positions = new WeakMap<Topology, Int32Array>();

/** The key the index's runs group by: the node's accelerator speed class. */
function speedKey(t: Topology): (i: number) => number {
  let key = speedKeys.get(t);
  if (key === undefined) {
    key = (i: number) => t.accelRank[t.accel[i]!]!;
    speedKeys.set(t, key);
  }
  return key;
}

/** Node → its position in the topology's speed order (the order of every warm bucket). */
function speedPosition(t: Topology): Int32Array {
  let pos = positions.get(t);
  if (pos === undefined) {
    pos = new Int32Array(t.n);
    for (let k = 0; k < t.n; k++) pos[t.speedOrder[k]!] = k;
    positions.set(t, pos);
  }
  return pos;
}

/**
 * The models node `i` adds to the warm index (appended to `out`): each model in `models` (the node's
 * resident list) and the one it is `loading` (−1: none) that its accelerator serves; none for a node
 * without the inference role. A model resident and loading at once counts twice, as in a rebuild.
 */
export function warmModelsOf(
  t: Topology,
  i: number,
  models: readonly number[],
  loading: number,
  out: number[],
): void {
  if ((t.roleBits[i]! & ROLE_INFERENCE) === 0) return;
  const accel = t.accel[i]!;
  const served = t.models.served;
  for (let r = 0; r < models.length; r++) {
    const m = models[r]!;
    if (served[m * ACCEL_COUNT + accel] === 1) out.push(m);
  }
  if (loading >= 0 && served[loading * ACCEL_COUNT + accel] === 1) out.push(loading);
}

/** What changed in the warm index: for each changed node, the models it added before and adds now. */
export interface WarmChange {
  /** Changed nodes, distinct. */
  nodes: readonly number[];
  /** `before[k]` / `after[k]`: the models node `nodes[k]` added to the index before / adds now (`warmModelsOf`). */
  before: readonly (readonly number[])[];
  after: readonly (readonly number[])[];
}

/**
 * Updates `index` (from `buildWarmIndex` on topology `t`) in place so that it equals a rebuild after the
 * warm sets of `change.nodes` moved from `before` to `after`. Only the buckets those nodes enter or
 * leave are rewritten; the items after them move by the change in length. Costs one copy of the items
 * from the first changed bucket on, instead of two passes over every node.
 */
export function patchWarmIndex(t: Topology, index: WarmIndex, change: WarmChange): void {
  const mn = t.metros.nodeMetroCount;
  const pos = speedPosition(t);
  const order = change.nodes.map((_, k) => k).sort((a, b) => pos[change.nodes[a]!]! - pos[change.nodes[b]!]!);
  const metroOf = (m: number, i: number) => m * mn + t.nodeMetro[i]!;
  const speedOf = (m: number) => m;
  patchBuckets(index.byMetro, change, order, metroOf, pos, speedKey(t));
  patchBuckets(index.bySpeed, change, order, speedOf, pos, speedKey(t));
}

/** First index in `items[lo .. hi)` (ascending in `rank`) whose rank is at least `r`. */
function lowerBound(
  items: Int32Array,
  lo: number,
  hi: number,
  rank: (i: number) => number,
  r: number,
): number {
  let l = lo;
  let h = hi;
  while (l < h) {
    const mid = (l + h) >>> 1;
    if (rank(items[mid]!) < r) l = mid + 1;
    else h = mid;
  }
  return l;
}

function patchBuckets(
  b: ReusableBuckets,
  change: WarmChange,
  order: readonly number[],
  bucketOf: (m: number, i: number) => number,
  pos: Int32Array,
  key: (i: number) => number,
): void {
  const buckets = b.start.length - 1;
  // Edits (bucket, node, +1 add / −1 drop every old entry of the node), in speed order within a bucket.
  const editBucket: number[] = [];
  const editNode: number[] = [];
  const editSign: number[] = [];
  const delta = new Map<number, number>();
  for (const k of order) {
    const i = change.nodes[k]!;
    const dropped = new Set<number>();
    for (const m of change.before[k]!) {
      const bucket = bucketOf(m, i);
      delta.set(bucket, (delta.get(bucket) ?? 0) - 1);
      if (dropped.has(bucket)) continue;
      dropped.add(bucket);
      editBucket.push(bucket);
      editNode.push(i);
      editSign.push(-1);
    }
    for (const m of change.after[k]!) {
      const bucket = bucketOf(m, i);
      delta.set(bucket, (delta.get(bucket) ?? 0) + 1);
      editBucket.push(bucket);
      editNode.push(i);
      editSign.push(1);
    }
  }
  if (delta.size === 0) return;
  // Stable: edits of a bucket stay in speed order.
  const edits = editBucket.map((_, k) => k).sort((x, y) => editBucket[x]! - editBucket[y]!);
  const affected = [...delta.keys()].sort((x, y) => x - y);
  const oldTotal = b.start[buckets]!;
  let newTotal = oldTotal;
  for (const d of delta.values()) newTotal += d;
  // Keep the old items from the first affected bucket on.
  const from = b.start[affected[0]!]!;
  if (b.spare === undefined || b.spare.length < b.items.length) {
    b.spare = new Int32Array(b.items.length);
    b.spareRunEnd = new Int32Array(b.items.length);
  }
  const spare = b.spare;
  const spareRunEnd = b.spareRunEnd!;
  spare.set(b.items.subarray(from, oldTotal), from);
  spareRunEnd.set(b.runEnd.subarray(from, oldTotal), from);
  // A grown array holds only the items before `from`: every later item is copied into it.
  const grown = b.items.length < newTotal || b.runEnd.length < newTotal;
  if (b.items.length < newTotal) {
    const items = new Int32Array(Math.ceil(newTotal * 1.25) + 16);
    items.set(b.items.subarray(0, from));
    b.items = items;
  }
  if (b.runEnd.length < newTotal) {
    const runEnd = new Int32Array(Math.ceil(newTotal * 1.25) + 16);
    runEnd.set(b.runEnd.subarray(0, from));
    b.runEnd = runEnd;
  }
  const { items, runEnd, start } = b;
  let shift = 0;
  let e = 0; // next edit
  // `segment` .. old start of the next affected bucket: unchanged items that move by `shift`.
  let segment = from;
  let boundary = affected[0]! + 1; // first entry of `start` not moved yet
  const move = (to: number) => {
    if (shift !== 0 || grown) {
      items.set(spare.subarray(segment, to), segment + shift);
      for (let k = segment; k < to; k++) runEnd[k + shift] = spareRunEnd[k]! + shift;
    }
  };
  const position = (i: number) => pos[i]!;
  for (const bucket of affected) {
    // Entries of `start` before `boundary` are already moved; `segment` is the old end of the previous
    // affected bucket, so an affected bucket right after it starts there.
    const lo = bucket < boundary ? segment : start[bucket]!;
    if (shift !== 0) for (; boundary <= bucket; boundary++) start[boundary]! += shift;
    const hi = start[bucket + 1]!;
    move(lo);
    // The old items (in speed order) copied in runs between the edits, found by binary search.
    const newLo = lo + shift;
    let out = newLo;
    let cursor = lo;
    for (; e < edits.length && editBucket[edits[e]!] === bucket; e++) {
      const node = editNode[edits[e]!]!;
      const at = lowerBound(spare, cursor, hi, position, pos[node]!);
      if (at > cursor) {
        items.set(spare.subarray(cursor, at), out);
        out += at - cursor;
        cursor = at;
      }
      if (editSign[edits[e]!]! > 0) items[out++] = node;
      else while (cursor < hi && spare[cursor] === node) cursor++;
    }
    if (hi > cursor) {
      items.set(spare.subarray(cursor, hi), out);
      out += hi - cursor;
    }
    // Runs of equal speed class: items are ascending in it, so each run's end is a binary search.
    for (let j = newLo; j < out; ) {
      const end = lowerBound(items, j, out, key, key(items[j]!) + 1);
      runEnd.fill(end, j, end);
      j = end;
    }
    shift += delta.get(bucket)!;
    start[bucket + 1] = out;
    boundary = bucket + 2;
    segment = hi;
  }
  move(oldTotal);
  if (shift !== 0) for (; boundary <= buckets; boundary++) start[boundary]! += shift;
}
