import { ACCEL_COUNT } from '../network/models.js';
import type { NetworkView } from '../network/view.js';
import { coldStartTerm, dataFetchTerm, queueTerm, rttTerm, serviceTerm } from './candidate.js';
import type { EstimateQuery } from './query.js';
import { decodeMs } from './service.js';

/**
 * When the answer of a request on node `i` should arrive, from the same terms as the completion-time
 * estimate: the first token after the round trip, the queue, any cold start and data fetch and the
 * prefill; then one token every `perTokenMs` (decode at the batch the request would join). The gateway
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
  const t = view.topology;
  const k = q.model * ACCEL_COUNT + t.accel[i]!;
  const batch = Math.min(view.dyn.running[i]! + view.sent[i]! + 1, t.slots[i]!);
  const perToken = decodeMs(t.models.decodeMsPerToken[k]!, t.models.decodeSlope[k]!, 1, batch, q.costFactor);
  const before =
    rttTerm(view, q, i) + queueTerm(view, q, i) + coldStartTerm(view, q, i) + dataFetchTerm(view, q, i);
  const service = serviceTerm(view, q, i);
  out.perTokenMs = perToken;
  out.totalMs = before + service;
  out.firstTokenMs = before + service - q.outputTokens * perToken + perToken;
  return out;
}
