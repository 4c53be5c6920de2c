import type { Readable } from 'node:stream';
import { type Dispatcher, Pool } from 'undici';

export interface UpstreamOptions {
  connections: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** This coordinator's mark, sent as `x-meridian-hop` on every request unless the request gives the chain. */
  hop?: string;
}

/** The header that carries the gateways a request has passed through (comma-separated instance ids). */
export const HOP_HEADER = 'x-meridian-hop';

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Path below the node's endpoint, starting with `/`. */
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** The `x-meridian-hop` value (the incoming chain and this coordinator); default: this coordinator. */
  hop?: string;
  signal?: AbortSignal;
  /** Another way to abort a buffered request, without an AbortSignal (see AbortBinding). */
  abortable?: AbortBinding;
  /** Overrides the pool's headers timeout for this request (probes). */
  headersTimeoutMs?: number;
  /**
   * The caller times the request itself (a gateway attempt, src/server/attempt-watch.ts, whose limits sit
   * below the pool's): undici then keeps no timers for it. Its headers and body timers are made anew for every
   * request and live until undici's next timer sweep (half a second), long enough to be promoted out of
   * the young generation at thousands of requests a second.
   */
  timed?: boolean;
}

/** Takes the abort of a request once it has started; calls it at once if the request is already cancelled. */
export interface AbortBinding {
  bind(abort: () => void): void;
}

export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable & Dispatcher.BodyMixin;
}

export interface BufferedResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

interface Entry {
  endpoint: string;
  origin: string;
  prefix: string;
  pool: Pool;
}

/**
 * undici's time limits for `req`, as plain fields (no spread on the request path): 0 (none) when the
 * caller times it, undefined for the pool's, the request's own headers timeout when it sets one.
 */
const headersTimeoutOf = (req: UpstreamRequest) => (req.timed === true ? 0 : req.headersTimeoutMs);
const bodyTimeoutOf = (req: UpstreamRequest) => (req.timed === true ? 0 : undefined);

/** One keep-alive connection pool (undici) per node endpoint; pools are replaced when an endpoint moves. */
export class Upstreams {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly opt: UpstreamOptions) {}

  /** Points `nodeId` at `endpoint` (a base URL; any path is a prefix for every request). */
  set(nodeId: string, endpoint: string): void {
    const old = this.entries.get(nodeId);
    if (old?.endpoint === endpoint) return;
    if (old !== undefined) void old.pool.close().catch(() => {});
    const url = new URL(endpoint);
    const pool = new Pool(url.origin, {
      connections: this.opt.connections,
      connect: { timeout: this.opt.connectTimeoutMs },
      headersTimeout: this.opt.headersTimeoutMs,
      bodyTimeout: this.opt.bodyTimeoutMs,
      keepAliveTimeout: 30_000,
    });
    this.entries.set(nodeId, {
      endpoint,
      origin: url.origin,
      prefix: url.pathname.replace(/\/+$/, ''),
      pool,
    });
  }

  remove(nodeId: string): void {
    const e = this.entries.get(nodeId);
    if (e === undefined) return;
    this.entries.delete(nodeId);
    void e.pool.close().catch(() => {});
  }

  has(nodeId: string): boolean {
    return this.entries.has(nodeId);
  }

  async request(nodeId: string, req: UpstreamRequest): Promise<UpstreamResponse> {
    const e = this.entries.get(nodeId);
    if (e === undefined) throw new Error(`no upstream for node ${nodeId}`);
    const res = await e.pool.request({
      method: req.method,
      path: e.prefix + req.path,
      headers: this.headers(req),
      body: req.body,
      signal: req.signal,
      headersTimeout: headersTimeoutOf(req),
      bodyTimeout: bodyTimeoutOf(req),
    });
    return { statusCode: res.statusCode, headers: res.headers, body: res.body };
  }

  /**
   * A request whose whole answer is collected in memory, through undici's handler API (no response
   * stream objects on the hot path of non-streamed completions).
   */
  requestBuffered(nodeId: string, req: UpstreamRequest): Promise<BufferedResponse> {
    const e = this.entries.get(nodeId);
    if (e === undefined) return Promise.reject(new Error(`no upstream for node ${nodeId}`));
    return new Promise<BufferedResponse>((resolve, reject) => {
      let statusCode = 0;
      let headers: Record<string, string | string[] | undefined> = {};
      const chunks: Buffer[] = [];
      let onAbort: (() => void) | undefined;
      const done = () => {
        if (onAbort !== undefined) req.signal?.removeEventListener('abort', onAbort);
      };
      e.pool.dispatch(
        {
          origin: e.origin,
          method: req.method,
          path: e.prefix + req.path,
          headers: this.headers(req),
          body: req.body,
          headersTimeout: headersTimeoutOf(req),
          bodyTimeout: bodyTimeoutOf(req),
        },
        {
          onRequestStart(controller) {
            req.abortable?.bind(() => controller.abort(new Error('aborted')));
            if (req.signal === undefined) return;
            if (req.signal.aborted) controller.abort(new Error('aborted'));
            else {
              onAbort = () => controller.abort(new Error('aborted'));
              req.signal.addEventListener('abort', onAbort, { once: true });
            }
          },
          onResponseStart(_controller, status, h) {
            statusCode = status;
            headers = h as Record<string, string | string[] | undefined>;
          },
          onResponseData(_controller, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd() {
            done();
            resolve({ statusCode, headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
          },
          onResponseError(_controller, error) {
            done();
            reject(error);
          },
        },
      );
    });
  }

  private headers(req: UpstreamRequest): Record<string, string> | undefined {
    const hop = req.hop ?? this.opt.hop;
    if (hop === undefined || req.headers?.[HOP_HEADER] === hop) return req.headers;
    const headers: Record<string, string> = {};
    for (const k in req.headers) headers[k] = req.headers[k]!;
    headers[HOP_HEADER] = hop;
    return headers;
  }

  async close(): Promise<void> {
    const pools = [...this.entries.values()].map((e) => e.pool);
    this.entries.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => {})));
  }
}
