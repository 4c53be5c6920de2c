import { MODE_COUNT } from '../network/models.js';
import type { NetworkView } from '../network/view.js';
import type { Relaxation } from './decision.js';
import { droppedNames, sharesMasked } from './independence.js';
import type { VerificationSpec } from './policy.js';
import type { RouteQuery } from './query.js';

/**
 * Verification placement: for a request that needs verification, the full nodes that check the executor's
 * work. A verifier must be healthy, not the executor, and share no value on the profile's verification
 * dimensions (default provider, operator, asn, country) with the executor or with another verifier. Among
 * those, the ones with the lowest verification latency win: RTT executor → verifier plus the model's check
 * time for the mode (TEE attestation, zkML proof verification), stretched by the verifier's load.
 * When no full node qualifies, dimensions are dropped from the last listed (country first) and the
 * relaxation is recorded.
 */

/** Verification latency of full node `j` for an executor in metro row `execRow`, ms. */
export function verifierLatencyMs(view: NetworkView, execRow: number, checkMs: number, j: number): number {
  const t = view.topology;
  const d = view.dyn;
  const load = (d.running[j]! + d.queued[j]! + view.sent[j]!) / t.slots[j]!;
  return d.metroRtt[execRow + t.nodeMetro[j]!]! + checkMs * (1 + load);
}

/** The cheapest qualifying verifier (or -1), walking metros outward from the executor's and stopping early. */
function cheapestVerifier(
  view: NetworkView,
  executor: number,
  checkMs: number,
  dims: Int32Array,
  dimCount: number,
  mask: number,
  chosen: readonly number[],
): { node: number; latencyMs: number } {
  const t = view.topology;
  const mn = t.metros.nodeMetroCount;
  const row = t.nodeMetro[executor]! * mn;
  let best = -1;
  let bestMs = Number.POSITIVE_INFINITY;
  for (let r = 0; r < mn; r++) {
    const metro = t.metros.order[row + r]!;
    if (t.metros.baseRtt[row + metro]! > bestMs) break;
    for (let k = t.full.start[metro]!, end = t.full.start[metro + 1]!; k < end; k++) {
      const j = t.full.items[k]!;
      if (j === executor || view.dyn.healthy[j] !== 1) continue;
      if (sharesMasked(view, dims, dimCount, mask, j, executor)) continue;
      if (chosen.some((v) => v === j || sharesMasked(view, dims, dimCount, mask, j, v))) continue;
      const ms = verifierLatencyMs(view, row, checkMs, j);
      if (ms < bestMs) {
        bestMs = ms;
        best = j;
      }
    }
  }
  return { node: best, latencyMs: bestMs };
}

/** Chooses `spec.verifiers` verifiers for `executor` into `out` (node indexes) and their latencies. */
export function placeVerifiers(
  view: NetworkView,
  q: RouteQuery,
  executor: number,
  spec: VerificationSpec,
  dims: Int32Array,
  out: number[],
  latencyMs: number[],
  relaxations: Relaxation[],
): void {
  if (q.verifyMode < 0 || spec.verifiers === 0) return;
  const checkMs = view.topology.models.verifyMs[q.model * MODE_COUNT + q.verifyMode]!;
  const full = (1 << dims.length) - 1;
  let mask = full;
  for (let slot = 1; slot <= spec.verifiers; slot++) {
    let found = cheapestVerifier(view, executor, checkMs, dims, dims.length, mask, out);
    while (found.node < 0 && mask !== 0) {
      mask &= ~(1 << (31 - Math.clz32(mask)));
      found = cheapestVerifier(view, executor, checkMs, dims, dims.length, mask, out);
    }
    if (found.node < 0) {
      relaxations.push({ slot: `verifier ${slot}`, dropped: [], reason: 'no other healthy full node' });
      return;
    }
    if (mask !== full) {
      const dropped = droppedNames(view, dims, dims.length, full, mask);
      relaxations.push({
        slot: `verifier ${slot}`,
        dropped,
        reason: `no healthy full node is independent of the executor on every dimension; allowed to share ${dropped.join(', ')}`,
      });
    }
    out.push(found.node);
    latencyMs.push(found.latencyMs);
  }
}
