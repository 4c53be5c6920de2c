import type { RunBuckets } from '../network/csr.js';
import type { NetworkView } from '../network/view.js';
import type { Rng } from '../util/rng.js';
import type { CandidateSpec } from './policy.js';
import type { Scratch } from './scratch.js';

/**
 * Gathers candidate nodes for model `m` into `s.cands` and returns how many. Only nodes capable of the
 * model are ever gathered; health and constraints are left to the filters.
 *
 * - `nearest` (bounded): walking the node metros in RTT order from the client's metro, the first `warm`
 *   nodes with the model resident or loading; the `fast` fastest such nodes anywhere (a far machine twice
 *   as fast beats a near slow one on a long request); the first `cold` other capable nodes; then `explore`
 *   random ones (half warm, half capable) so far-away idle capacity is seen too. Buckets list nodes fastest
 *   accelerator class first; within one class the walk starts at a random offset, so equal machines share
 *   the traffic.
 * - `sample`: `size` capable nodes uniformly at random.
 * - `all` (or `exhaustive`): every capable node.
 */
export function collectCandidates(
  spec: CandidateSpec,
  exhaustive: boolean,
  view: NetworkView,
  m: number,
  anchorMetro: number,
  rng: Rng,
  s: Scratch,
): number {
  const t = view.topology;
  const mn = t.metros.nodeMetroCount;
  const cap = t.capable;
  const lo = cap.start[m * mn]!;
  const hi = cap.start[(m + 1) * mn]!;
  if (exhaustive || spec.mode === 'all') {
    // A short list is copied by hand: `subarray` makes a view object per call, which a one-node world
    // pays on every decision; a long one is one block copy.
    if (hi - lo <= 32) for (let k = lo; k < hi; k++) s.cands[k - lo] = cap.items[k]!;
    else s.cands.set(cap.items.subarray(lo, hi));
    return hi - lo;
  }
  const epoch = s.nextEpoch();
  let count = 0;
  if (spec.mode === 'sample') {
    if (hi === lo) return 0;
    for (let k = 0; k < spec.size; k++) count = add(s, epoch, cap.items[lo + rng.int(hi - lo)]!, count);
    return count;
  }
  const row = anchorMetro * mn;
  const fast = view.warmBySpeed;
  const wlo = fast.start[m]!;
  const whi = fast.start[m + 1]!;
  if (whi - wlo <= spec.warm + spec.fast) {
    // Few warm nodes: take them all (no walk).
    for (let k = wlo; k < whi; k++) count = add(s, epoch, fast.items[k]!, count);
  } else {
    count = walk(view.warm, m * mn, row, spec.warm, whi - wlo, view, rng, s, epoch, count);
    count = takeRuns(fast, wlo, whi, spec.fast, rng, s, epoch, count);
  }
  count = walk(cap, m * mn, row, spec.cold, hi - lo, view, rng, s, epoch, count);
  for (let k = 0; k < spec.explore && hi > lo; k++) {
    const fromWarm = k % 2 === 0 && whi > wlo;
    const i = fromWarm ? fast.items[wlo + rng.int(whi - wlo)]! : cap.items[lo + rng.int(hi - lo)]!;
    count = add(s, epoch, i, count);
  }
  return count;
}

function add(s: Scratch, epoch: number, i: number, count: number): number {
  if (s.mark[i] === epoch) return count;
  s.mark[i] = epoch;
  s.cands[count] = i;
  return count + 1;
}

/**
 * Adds up to `want` new nodes from buckets `base + metro`, metros in RTT order from row `row`, stopping
 * early once the `total` nodes of all those buckets have been passed.
 */
function walk(
  buckets: RunBuckets,
  base: number,
  row: number,
  want: number,
  total: number,
  view: NetworkView,
  rng: Rng,
  s: Scratch,
  epoch: number,
  count: number,
): number {
  const metros = view.topology.metros;
  const order = metros.order;
  const mn = metros.nodeMetroCount;
  const start = buckets.start;
  let n = count;
  let seen = 0;
  for (let r = 0; r < mn && n - count < want && seen < total; r++) {
    const b = base + order[row + r]!;
    const lo = start[b]!;
    const hi = start[b + 1]!;
    if (lo === hi) continue;
    seen += hi - lo;
    n = takeRuns(buckets, lo, hi, want - (n - count), rng, s, epoch, n);
  }
  return n;
}

/**
 * Adds up to `want` new nodes from `items[from .. hi)`, listed fastest class first: run of one speed class
 * by run, each run from a random offset.
 */
function takeRuns(
  buckets: RunBuckets,
  from: number,
  hi: number,
  want: number,
  rng: Rng,
  s: Scratch,
  epoch: number,
  count: number,
): number {
  const items = buckets.items;
  const runEnd = buckets.runEnd;
  let need = want;
  let n = count;
  for (let lo = from; lo < hi && need > 0; ) {
    const end = runEnd[lo]!;
    const len = end - lo;
    const offset = len > need ? rng.int(len) : 0;
    for (let k = 0; k < len && need > 0; k++) {
      const j = offset + k;
      const i = items[lo + (j < len ? j : j - len)]!;
      if (s.mark[i] === epoch) continue;
      s.mark[i] = epoch;
      s.cands[n++] = i;
      need--;
    }
    lo = end;
  }
  return n;
}
