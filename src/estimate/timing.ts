import type { NetworkView } from '../network/view.js';
import { catalogDecodeMsPerToken, dataFetchTerm, rttTerm, serviceTerm, waitTerm } from './candidate.js';
import type { EstimateQuery } from './query.js';

/**
 * When the answer of a request on node `i` should arrive, from the same terms as the completion-time
 * estimate: the first token after the round trip, the wait to start (queue and cold start), data fetch and the
 * prefill; then one token every `perTokenMs` (decode at the batch the request would join, at the node's
 * learned decode speed and device count). The gateway
 * sets its time limits from these, so a node is given up on when it is late by its own model's measure.
 */
export interface ExpectedTiming {
  /** Until the first token reaches the client, ms. */
  firstTokenMs: number;
  /** Between two tokens while decoding, ms. */
  perTokenMs: number;
  /** Until the last token (the completion-time estimate), ms. */
  totalMs: number;
}

export function emptyTiming(): ExpectedTiming {
  return { firstTokenMs: 0, perTokenMs: 0, totalMs: 0 };
}

/** Fills `out` with the expected timing of candidate `i` and returns it (allocates nothing). */
export function expectedTiming(
  view: NetworkView,
  q: EstimateQuery,
  i: number,
  out: ExpectedTiming,
): ExpectedTiming {
  const batch = Math.min(view.dyn.running[i]! + view.sent[i]! + 1, view.topology.slots[i]!);
  const factor = q.params.learn ? view.dyn.decodeFactor[i]! : 1;
  const perToken = catalogDecodeMsPerToken(view, q, i, batch) * factor;
  const before = rttTerm(view, q, i) + waitTerm(view, q, i) + dataFetchTerm(view, q, i);
  const service = serviceTerm(view, q, i);
  out.perTokenMs = perToken;
  out.totalMs = before + service;
  out.firstTokenMs = before + service - q.outputTokens * perToken + perToken;
  return out;
}
