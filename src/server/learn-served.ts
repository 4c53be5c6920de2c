import type { Request } from '../model/request.js';
import type { Delivered } from './attempt.js';
import type { Coordinator } from './coordinator.js';
import type { GatewayDecision } from './decide.js';
import type { ForwardResult } from './forward.js';
import { attemptWindow, completionTokens, predictionError } from './learn-gateway.js';

/**
 * Feeds one served request to the trust checks (before it moves the learned speed) and the live network's estimators and records the decision's prediction error
 * (when the primary answered: the estimate was made for it). `streamedEvents` is the number of data
 * events of a streamed answer (≈ output tokens), undefined for a buffered one (its usage says).
 */
export function learnFromServed(
  c: Coordinator,
  request: Request,
  decision: GatewayDecision,
  result: ForwardResult,
  d: Delivered,
  sentAt: number,
  doneAt: number,
  streamedEvents: number | undefined,
): void {
  if (d.status >= 300) return;
  const window = attemptWindow(result.attempts, d, c.config.gateway.hedge.delayMs);
  if (window === undefined) return;
  const doneMs = doneAt - sentAt - window.sentMs;
  const outputTokens = streamedEvents ?? completionTokens(d.body, d.answer) ?? request.outputTokens;
  const streamed = streamedEvents !== undefined;
  const timing = {
    firstByteMs: window.settledMs - window.sentMs,
    doneMs: streamed ? doneMs : window.settledMs - window.sentMs,
    outputTokens,
    streamed,
  };
  c.trust?.served(d.nodeId, request, timing);
  c.network.observeServed(d.nodeId, request, timing);
  if (d.nodeId !== decision.primary || decision.estimateMs === undefined) return;
  const err = predictionError(decision.estimateMs, doneAt - sentAt);
  if (err === undefined) return;
  c.metrics.predictionError.observe(err);
  c.metrics.predictions.observe(err);
}
