import { type SimNetwork, VREQ } from './network.js';
import type { TruthRtt } from './truth-rtt.js';

/**
 * Time (ms) until every verifier has checked a result that `executor` produced: the slowest of one-way
 * executor → verifier + the model's check time for the requirement (`verifyMs`). -1 when a verifier is
 * down (the verification fails); 0 with no verifier.
 */
export function verificationMs(
  net: SimNetwork,
  rtt: TruthRtt,
  up: Uint8Array,
  executor: number,
  verifiers: Int32Array,
  model: number,
  vreq: number,
): number {
  const check = net.verifyMs[model * VREQ + vreq]!;
  let worst = 0;
  for (let k = 0; k < verifiers.length; k++) {
    const v = verifiers[k]!;
    if (up[v] === 0) return -1;
    const ms = rtt.between(executor, v) / 2 + check;
    if (ms > worst) worst = ms;
  }
  return worst;
}
