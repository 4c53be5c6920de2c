import type { BufferedResponse, UpstreamResponse, Upstreams } from './upstream.js';

/**
 * One try of a request on one node. Nothing reaches the client here: a non-streamed answer is read in
 * full, a streamed one up to its first chunk, so every failure up to that point can still go to the next
 * fallback.
 */

export interface Delivered {
  ok: true;
  nodeId: string;
  status: number;
  contentType: string;
  /** The whole body (non-streamed) or its first chunk (streamed). */
  body: Buffer;
  /** The rest of a streamed body; undefined when `body` is complete. */
  rest?: AsyncIterator<Buffer>;
  /** Stops reading the rest (the client went away, or a hedge lost). */
  abort(): void;
}

export type FailureKind = 'connect' | 'timeout' | 'status' | 'body' | 'aborted';

export interface Failed {
  ok: false;
  nodeId: string;
  kind: FailureKind;
  status?: number;
  message: string;
  /** Counts against the node's breaker (overload answers and stale model lists do not). */
  breaker: boolean;
}

export type AttemptResult = Delivered | Failed;

/** Statuses that send the request to the next fallback without blaming the node's health. */
const RETRY_WITHOUT_BLAME = new Set([404, 408, 429]);

export interface AttemptInput {
  path: string;
  body: string;
  stream: boolean;
  /** The `x-meridian-hop` chain to send (see Upstreams). */
  hop?: string;
  /** Cancels the attempt (client gone, hedge lost); none for requests that always run to the end. */
  signal?: AbortSignal;
  /** Extra request headers (where the client is). */
  headers?: Record<string, string>;
}

export async function attempt(
  upstreams: Upstreams,
  nodeId: string,
  input: AttemptInput,
): Promise<AttemptResult> {
  return input.stream ? attemptStream(upstreams, nodeId, input) : attemptBuffered(upstreams, nodeId, input);
}

function fail(nodeId: string, kind: FailureKind, message: string, breaker: boolean, status?: number): Failed {
  return { ok: false, nodeId, kind, message, breaker, ...(status === undefined ? {} : { status }) };
}

/** The request never got an answer: cancelled by us (no blame), or a connection/timeout error (blame). */
function transportFailure(nodeId: string, error: unknown, signal: AbortSignal | undefined): Failed {
  if (signal?.aborted) return fail(nodeId, 'aborted', 'cancelled (client gone or hedge lost)', false);
  return fail(nodeId, errorKind(error), errorMessage(error), true);
}

const NOOP = () => {};

/** A non-streamed answer, read whole. */
async function attemptBuffered(
  upstreams: Upstreams,
  nodeId: string,
  input: AttemptInput,
): Promise<AttemptResult> {
  let res: BufferedResponse;
  try {
    res = await upstreams.requestBuffered(nodeId, {
      method: 'POST',
      path: input.path,
      body: input.body,
      headers: input.headers === undefined ? JSON_HEADERS : { ...input.headers, ...JSON_HEADERS },
      ...(input.hop === undefined ? {} : { hop: input.hop }),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
  } catch (e) {
    return transportFailure(nodeId, e, input.signal);
  }
  if (res.statusCode >= 500 || RETRY_WITHOUT_BLAME.has(res.statusCode)) {
    const text = clip(res.body.toString('utf8'));
    return fail(
      nodeId,
      'status',
      `HTTP ${res.statusCode}${text ? `: ${text}` : ''}`,
      res.statusCode >= 500,
      res.statusCode,
    );
  }
  const contentType = headerText(res.headers['content-type']) ?? 'application/json';
  return { ok: true, nodeId, status: res.statusCode, contentType, body: res.body, abort: NOOP };
}

/** A streamed answer, read up to its first chunk. */
async function attemptStream(
  upstreams: Upstreams,
  nodeId: string,
  input: AttemptInput,
): Promise<AttemptResult> {
  let res: UpstreamResponse;
  try {
    res = await upstreams.request(nodeId, {
      method: 'POST',
      path: input.path,
      body: input.body,
      headers: input.headers === undefined ? STREAM_HEADERS : { ...input.headers, ...STREAM_HEADERS },
      ...(input.hop === undefined ? {} : { hop: input.hop }),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
  } catch (e) {
    return transportFailure(nodeId, e, input.signal);
  }
  const abort = () => {
    if (!res.body.destroyed) res.body.destroy();
  };
  const contentType = headerText(res.headers['content-type']) ?? 'application/json';
  if (res.statusCode >= 500 || RETRY_WITHOUT_BLAME.has(res.statusCode)) {
    const text = await readSome(res);
    return fail(
      nodeId,
      'status',
      `HTTP ${res.statusCode}${text ? `: ${text}` : ''}`,
      res.statusCode >= 500,
      res.statusCode,
    );
  }
  try {
    if (res.statusCode >= 300) {
      const body = Buffer.from(await res.body.arrayBuffer());
      return { ok: true, nodeId, status: res.statusCode, contentType, body, abort };
    }
    const it = (res.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done)
      return { ok: true, nodeId, status: res.statusCode, contentType, body: Buffer.alloc(0), abort };
    return { ok: true, nodeId, status: res.statusCode, contentType, body: first.value, rest: it, abort };
  } catch (e) {
    abort();
    if (input.signal?.aborted) return fail(nodeId, 'aborted', 'cancelled (client gone or hedge lost)', false);
    return fail(nodeId, 'body', `body: ${errorMessage(e)}`, true);
  }
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
const STREAM_HEADERS = { 'content-type': 'application/json', accept: 'text/event-stream' };

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

async function readSome(res: UpstreamResponse): Promise<string> {
  try {
    return clip(await res.body.text());
  } catch {
    return '';
  }
}

function errorKind(e: unknown): FailureKind {
  const code = (e as { code?: unknown }).code;
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  )
    return 'timeout';
  return 'connect';
}

function errorMessage(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code =
    typeof err.code === 'string' ? err.code : typeof err.cause?.code === 'string' ? err.cause.code : '';
  const msg = typeof err.message === 'string' ? err.message : String(e);
  return code && !msg.includes(code) ? `${code}: ${msg}` : msg;
}
