import { prefillMs } from '../estimate/service.js';
import type { AttemptStore } from './attempts.js';
import { VREQ } from './network.js';
import type { SimOutcome } from './router-port.js';
import type { SharedRun } from './shared-run.js';

/**
 * What the client of attempt `a` (from client metro `metro`) saw when it completed at `t`, in the
 * learners' terms: times from the send, the catalog's expectation of each part at factor 1 (the node
 * reports its queue wait, data fetch included), and the round trip the client measured; with the output's
 * `digest` and the attempt's own fields for the spot checks. One literal with every field: fields added
 * afterwards grew the object's property store once per served request.
 */
export function servedOutcome(
  shared: SharedRun,
  atts: AttemptStore,
  metro: number,
  a: number,
  t: number,
  digest: number,
): SimOutcome {
  const n = atts.node[a]!;
  const rtt = shared.rtt.client(metro, n);
  const send = atts.sendT[a]!;
  const start = atts.startT[a]!;
  return {
    node: n,
    outputTokens: atts.output[a]!,
    firstByteMs: start + atts.prefill[a]! + rtt / 2 - send,
    doneMs: t + rtt / 2 - send,
    expected: {
      rttMs: rtt,
      queueMs: start - send - rtt / 2,
      prefillMs: catalogPrefillMs(shared, atts, a),
      decodeMsPerToken: atts.catalogDecode[a]!,
    },
    clientMetro: metro,
    rttMs: rtt,
    outputDigest: digest,
    inputTokens: atts.input[a]!,
    attempt: a,
    model: atts.model[a]!,
  };
}

/** The catalog's prefill (ms, factor 1) of attempt `a` on its node. */
export function catalogPrefillMs(shared: SharedRun, atts: AttemptStore, a: number): number {
  const net = shared.net;
  const n = atts.node[a]!;
  const model = atts.model[a]!;
  const cf = net.costFactor[model * VREQ + atts.vreq[a]!]! * net.topology.timeFactor(model, n);
  return prefillMs(net.prefillPer1k[net.perfCell(model, n)]!, atts.input[a]!, cf);
}
