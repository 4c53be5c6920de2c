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
 * Output tokens of a non-streamed OpenAI answer (its `usage.completion_tokens`), or undefined. The usage
 * object comes at or near the end of the answer: only it is parsed, found from the end, and only when the
 * bytes after it close the top-level object (so a `usage` key nested deeper is never taken); otherwise the
 * whole body is parsed. Same answer as parsing the whole body for any valid JSON body.
 */
export function completionTokens(body: Buffer): number | undefined {
  const usage = topLevelUsage(body);
  try {
    const u =
      usage === undefined
        ? (JSON.parse(body.toString('utf8')) as { usage?: unknown }).usage
        : JSON.parse(body.toString('utf8', usage.start, usage.end));
    const v = (u as { completion_tokens?: unknown } | null | undefined)?.completion_tokens;
    return typeof v === 'number' && v >= 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

const USAGE_KEY = Buffer.from('"usage"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * Byte range of the value of the last `"usage"` key in `body` when that value is an object and the key
 * belongs to the object the body ends with; undefined otherwise (the caller parses the whole body).
 */
export function topLevelUsage(body: Buffer): { start: number; end: number } | undefined {
  const k = body.lastIndexOf(USAGE_KEY);
  if (k < 0) return undefined;
  let p = k - 1;
  while (isSpace(body[p])) p--;
  if (body[p] !== 0x7b && body[p] !== 0x2c) return undefined; // a key follows `{` or `,`
  p = k + USAGE_KEY.length;
  while (isSpace(body[p])) p++;
  if (body[p] !== 0x3a) return undefined; // `:`
  p++;
  while (isSpace(body[p])) p++;
  if (body[p] !== 0x7b) return undefined; // the value is an object
  const start = p;
  // Walk to the end: the usage object closes at depth 0, the object holding it at depth -1, which must be
  // the body's last non-space byte (else `usage` sat in a nested object).
  let depth = 0;
  let end = -1;
  for (; p < body.length; p++) {
    const b = body[p]!;
    if (b === QUOTE) {
      for (p++; p < body.length && body[p] !== QUOTE; p++) if (body[p] === BACKSLASH) p++;
    } else if (b === 0x7b || b === 0x5b) depth++;
    else if (b === 0x7d || b === 0x5d) {
      depth--;
      if (depth === 0 && end < 0) end = p + 1;
      if (depth < 0) break;
    }
  }
  if (depth !== -1 || body[p] !== 0x7d || end < 0) return undefined;
  for (p++; p < body.length; p++) if (!isSpace(body[p])) return undefined;
  return { start, end };
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
