import { catalogDecodeMsPerToken, catalogPrefillMs, rttTerm } from '../estimate/candidate.js';
import type { ServedOutcome } from '../learn/node-speed.js';
import type { Request } from '../model/request.js';
import type { NetworkView } from '../network/view.js';
import { compileQuery, type RouteQuery } from '../routing/query.js';
import { quantileSorted } from '../stats/quantile.js';
import type { Delivered } from './attempt.js';
import type { AttemptLog } from './forward.js';

/**
 * What the gateway learns from each served request: the outcome it saw (send → first byte → last byte,
 * output tokens), turned into the `ServedOutcome` the shared estimators take (src/network/learning.ts), and
 * the prediction error of the decision's estimate.
 */

/** Times in ms from the moment the delivering attempt was sent. */
export interface ServedTiming {
  firstByteMs: number;
  doneMs: number;
  outputTokens: number;
  /** Streamed answers show their first byte; a non-streamed one arrives whole (firstByteMs = doneMs). */
  streamed: boolean;
}

/**
 * The outcome for node `i` in the estimators' terms, with the catalog's parts at factor 1. Expected queue
 * wait is 0 (the gateway counts its own in-flight requests; the node's queue is in the heartbeat). A
 * non-streamed answer has no first byte: its first byte is placed where the learned prefill says and its
 * prefill is not learned from (expected prefill 0), so the whole deviation goes to decode.
 */
export function servedOutcome(
  view: NetworkView,
  q: RouteQuery,
  request: Request,
  i: number,
  t: ServedTiming,
): ServedOutcome | undefined {
  if (compileQuery(q, request, view) !== undefined) return undefined;
  const batch = Math.max(1, Math.min(view.dyn.running[i]!, view.topology.slots[i]!));
  const rttMs = rttTerm(view, q, i);
  const prefillMs = catalogPrefillMs(view, q, i);
  const decodeMsPerToken = catalogDecodeMsPerToken(view, q, i, batch);
  let firstByteMs = t.firstByteMs;
  let learnPrefill = true;
  if (!t.streamed) {
    firstByteMs = rttMs + prefillMs * view.dyn.prefillFactor[i]!;
    learnPrefill = false;
  }
  return {
    node: i,
    outputTokens: t.outputTokens,
    firstByteMs,
    doneMs: t.doneMs,
    expected: { rttMs, queueMs: 0, prefillMs: learnPrefill ? prefillMs : 0, decodeMsPerToken },
  };
}

/**
 * When the delivering attempt was sent, ms after forwarding began, and when it settled (first chunk of a
 * stream, the whole of a buffered answer): a hedge copy left after the hedge delay, a fallback when the
 * attempt before it settled.
 */
export function attemptWindow(
  attempts: readonly AttemptLog[],
  d: Delivered,
  hedgeDelayMs: number,
): { sentMs: number; settledMs: number } | undefined {
  let sentMs = 0;
  for (const a of attempts) {
    if (a.outcome === 'skipped') continue;
    if (a.nodeId === d.nodeId && a.outcome === 'ok')
      return { sentMs: a.hedge ? hedgeDelayMs : sentMs, settledMs: a.atMs };
    if (!a.hedge) sentMs = a.atMs;
  }
  return undefined;
}

/**
 * Output tokens of a non-streamed OpenAI answer (its `usage.completion_tokens`), or undefined: read from
 * `answer`, the body already parsed (a 200 is, when the attempt checks it is JSON), else from the body.
 */
export function completionTokens(body: Buffer, answer?: object): number | undefined {
  try {
    const u = ((answer ?? JSON.parse(body.toString('utf8'))) as { usage?: unknown } | null)?.usage;
    const v = (u as { completion_tokens?: unknown } | null | undefined)?.completion_tokens;
    return typeof v === 'number' && v >= 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Server-sent events carrying data in a chunk of a streamed answer (`[DONE]` excluded): ≈ tokens. */
export function streamedEvents(chunk: Buffer): number {
  const text = chunk.toString('utf8');
  let n = 0;
  for (let k = text.indexOf('data:'); k >= 0; k = text.indexOf('data:', k + 5)) n++;
  if (text.includes('data: [DONE]')) n--;
  return n;
}

/** |estimate − realized| / realized (undefined when realized is not positive). */
export function predictionError(estimateMs: number, realizedMs: number): number | undefined {
  if (!(realizedMs > 0) || !Number.isFinite(estimateMs)) return undefined;
  return Math.abs(estimateMs - realizedMs) / realizedMs;
}

/** The prediction errors of the first `FIRST` requests and of the last `RECENT`, for the live summary. */
const FIRST = 10;
const RECENT = 50;

export interface PredictionErrorSummary {
  count: number;
  /** Median over the first 10 served requests (learning had little evidence yet). */
  firstMedian: number | null;
  /** Median and p90 over the last 50. */
  recentMedian: number | null;
  recentP90: number | null;
}

export class PredictionErrors {
  private readonly first: number[] = [];
  private readonly recent = new Float64Array(RECENT);
  private count = 0;

  observe(error: number): void {
    if (this.first.length < FIRST) this.first.push(error);
    this.recent[this.count % RECENT] = error;
    this.count++;
  }

  summary(): PredictionErrorSummary {
    const last = [...this.recent.subarray(0, Math.min(this.count, RECENT))].sort((a, b) => a - b);
    const first = [...this.first].sort((a, b) => a - b);
    return {
      count: this.count,
      firstMedian: first.length > 0 ? quantileSorted(first, 0.5) : null,
      recentMedian: last.length > 0 ? quantileSorted(last, 0.5) : null,
      recentP90: last.length > 0 ? quantileSorted(last, 0.9) : null,
    };
  }
}
