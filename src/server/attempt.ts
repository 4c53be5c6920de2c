import { type Failed, fail, Watch, WatchedRest } from './attempt-watch.js';
import type { AttemptLimits } from './timing.js';
import { type BufferedResponse, HOP_HEADER, type UpstreamResponse, type Upstreams } from './upstream.js';

/**
 * One try of a request on one node. Nothing reaches the client here: a non-streamed answer is read in
 * full, a streamed one up to its first chunk, so every failure up to that point can still go to the next
 * fallback. Each attempt runs under its limits (src/server/timing.ts), watched by a `Watch`
 * (src/server/attempt-watch.ts): the first byte within `firstByteMs`, no silence in a stream longer than
 * `idleMs`, nothing after the client's deadline; a limit that passes aborts the upstream request.
 */

export interface Delivered {
  ok: true;
  nodeId: string;
  status: number;
  contentType: string;
  /** The whole body (non-streamed) or its first chunk (streamed). */
  body: Buffer;
  /** The body parsed, for a non-streamed 200 (parsed once, when it was checked to be JSON). */
  answer?: object;
  /**
   * The rest of a streamed body; undefined when `body` is complete. Still under the idle limit and the
   * deadline: a failure throws a `StreamBroken` saying why.
   */
  rest?: AsyncIterator<Buffer>;
  /** Stops reading the rest (the client went away, or a hedge lost). */
  abort(): void;
}

export type AttemptResult = Delivered | Failed;
export { type Failed, type FailureKind, StreamBroken } from './attempt-watch.js';

/** Statuses that send the request to the next fallback without blaming the node's health. */
const RETRY_WITHOUT_BLAME = new Set([404, 408, 429]);

/** The node refused the request (404, 408, 429): up, but not serving what it claims (src/server/refusals.ts). */
export function isRefusal(r: AttemptResult): boolean {
  return !r.ok && r.kind === 'status' && r.status !== undefined && RETRY_WITHOUT_BLAME.has(r.status);
}

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
  limits: AttemptLimits;
}

export async function attempt(
  upstreams: Upstreams,
  nodeId: string,
  input: AttemptInput,
): Promise<AttemptResult> {
  return input.stream ? attemptStream(upstreams, nodeId, input) : attemptBuffered(upstreams, nodeId, input);
}

const NOOP = () => {};

/** A non-streamed answer, read whole. */
async function attemptBuffered(
  upstreams: Upstreams,
  nodeId: string,
  input: AttemptInput,
): Promise<AttemptResult> {
  const watch = new Watch(input.signal, input.limits);
  let res: BufferedResponse;
  try {
    res = await upstreams.requestBuffered(nodeId, {
      method: 'POST',
      path: input.path,
      body: input.body,
      headers: requestHeaders(input, JSON_HEADERS),
      abortable: watch,
      hop: input.hop,
      timed: true,
    });
  } catch (e) {
    return watch.failure(nodeId, e);
  }
  watch.done();
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
  if (res.statusCode !== 200)
    return { ok: true, nodeId, status: res.statusCode, contentType, body: res.body, abort: NOOP };
  // A 200 that is no JSON (an HTML error page, a cut answer) is the node's failure, as a 5xx is.
  const answer = jsonAnswer(res.body);
  if (answer === undefined) {
    const text = clip(res.body.toString('utf8'));
    const said = `HTTP 200 but not valid JSON, content-type ${contentType}`;
    return fail(nodeId, 'body', text ? `${said}: ${text}` : `${said}, empty body`, true, 200);
  }
  return { ok: true, nodeId, status: 200, contentType, body: res.body, answer, abort: NOOP };
}

/**
 * A buffered answer parsed, when it is a JSON object or array (what an OpenAI-style answer is); else
 * undefined. Parsed whole: V8's parser costs a few microseconds on an answer of a few kilobytes, against
 * the hundreds a relayed request costs, and a scan for balanced brackets would let a syntax error inside
 * them through.
 */
export function jsonAnswer(body: Buffer): object | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A streamed answer, read up to its first chunk. */
async function attemptStream(
  upstreams: Upstreams,
  nodeId: string,
  input: AttemptInput,
): Promise<AttemptResult> {
  const watch = new Watch(input.signal, input.limits);
  let res: UpstreamResponse;
  try {
    res = await upstreams.request(nodeId, {
      method: 'POST',
      path: input.path,
      body: input.body,
      headers: requestHeaders(input, STREAM_HEADERS),
      signal: watch.signal,
      hop: input.hop,
      timed: true,
    });
  } catch (e) {
    return watch.failure(nodeId, e);
  }
  const abort = () => {
    watch.done();
    if (!res.body.destroyed) res.body.destroy();
  };
  const contentType = headerText(res.headers['content-type']) ?? 'application/json';
  if (res.statusCode >= 500 || RETRY_WITHOUT_BLAME.has(res.statusCode)) {
    const text = await readSome(res);
    watch.done();
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
      watch.done();
      return { ok: true, nodeId, status: res.statusCode, contentType, body, abort };
    }
    const it = (res.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done) {
      watch.done();
      return { ok: true, nodeId, status: res.statusCode, contentType, body: Buffer.alloc(0), abort };
    }
    watch.started();
    const rest = new WatchedRest(it, watch, nodeId);
    return { ok: true, nodeId, status: res.statusCode, contentType, body: first.value, rest, abort };
  } catch (e) {
    const f = watch.failure(nodeId, e, 'body: ');
    abort();
    return f;
  }
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
const STREAM_HEADERS = { 'content-type': 'application/json', accept: 'text/event-stream' };

/** The last header object made for each kind, with what it was made from. */
const madeHeaders = new Map<
  Record<string, string>,
  { from: Record<string, string> | undefined; hop: string | undefined; headers: Record<string, string> }
>();

/**
 * The attempt's request headers as one object: the caller's, the content types, and the hop chain (the
 * upstream sends headers that already carry the chain as they are, instead of copying them to add it).
 * Copied key by key: an object spread of these header objects took microseconds per request. The object
 * is frozen and made again only when the caller's headers object or the chain differ from the last
 * request's of the same kind: the usual request (the default client's headers, this gateway's chain)
 * makes none.
 */
function requestHeaders(input: AttemptInput, kind: Record<string, string>): Record<string, string> {
  if (input.headers === undefined && input.hop === undefined) return kind;
  const last = madeHeaders.get(kind);
  if (last !== undefined && last.from === input.headers && last.hop === input.hop) return last.headers;
  const headers: Record<string, string> = {};
  for (const k in input.headers) headers[k] = input.headers[k]!;
  for (const k in kind) headers[k] = kind[k]!;
  if (input.hop !== undefined) headers[HOP_HEADER] = input.hop;
  Object.freeze(headers);
  madeHeaders.set(kind, { from: input.headers, hop: input.hop, headers });
  return headers;
}

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
