import { InputError, MeridianError, NotFoundError, UsageError } from '../errors.js';
import { StoreUnavailableError } from '../store/registry-store.js';

/** Missing or wrong operator token, or a signature that does not verify. */
export class AuthError extends MeridianError {
  constructor(code: 'unauthorized' | 'bad_signature', message: string) {
    super(code, message);
  }
}

/** The caller is known but may not do this (another operator's node). */
export class ForbiddenError extends MeridianError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** The request conflicts with stored state: a replayed sequence, a node id bound to another key. */
export class ConflictError extends MeridianError {
  constructor(code: 'replayed' | 'key_mismatch' | 'conflict', message: string) {
    super(code, message);
  }
}

/** The model is not served by any registered node; `served` lists the models that are. */
export class UnknownModelError extends MeridianError {
  readonly served: string[];
  constructor(model: string, served: string[]) {
    const list = served.length === 0 ? 'none yet' : served.join(', ');
    super('model_not_found', `model ${JSON.stringify(model)} is not served here; served models: ${list}`);
    this.served = served;
  }
}

/**
 * No node can take the request now (all unhealthy, breakers open, a shared domain failing, nodes not yet
 * reported after a restart), or none answered in time. `retryAfterS` becomes a `Retry-After` header.
 */
export class UnavailableError extends MeridianError {
  constructor(
    code: 'no_capacity' | 'domain_open' | 'upstream_failed' | 'deadline_exceeded' | 'starting',
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(code, message);
  }
}

/**
 * A node endpoint that is not the node's own: in a refused address range or the coordinator itself
 * (`endpoint_refused`), already another node's (`endpoint_taken`), or not answering the proof of control
 * with the node's key (`proof_failed`).
 */
export class EndpointError extends MeridianError {
  constructor(code: 'endpoint_refused' | 'endpoint_taken' | 'proof_failed', message: string) {
    super(code, message);
  }
}

/**
 * A TEE attestation document that does not pass its verifier (tampered, another root, a PCR outside the
 * allowlist, another key bound, too old, or a kind no verifier is configured for): the message says which.
 */
export class AttestationError extends MeridianError {
  constructor(message: string) {
    super('attestation_refused', message);
  }
}

/** A gateway request that already passed through this coordinator (or too many): proxying it would loop. */
export class LoopError extends MeridianError {
  constructor(message: string) {
    super('loop_detected', message);
  }
}

/** Too many requests from one IP, token or node key; the client may retry after `retryAfterMs`. */
export class RateLimitError extends MeridianError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super('rate_limited', message);
    this.retryAfterMs = retryAfterMs;
  }
}

/** A per-operator quota is used up (nodes per operator). */
export class QuotaError extends MeridianError {
  constructor(message: string) {
    super('quota_exceeded', message);
  }
}

/** A client key over its rate or quota (429, with `Retry-After`). */
export class ClientLimitError extends MeridianError {
  constructor(
    code: 'rate_limited' | 'quota_exceeded',
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(code, message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; issues?: unknown; served?: string[] };
}

interface FastifyLikeError {
  statusCode?: unknown;
  code?: unknown;
  message?: unknown;
}

/** Fastify's own client errors (bad JSON, body too large, wrong media type) by their error code. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_VALIDATION: 'invalid_input',
  FST_ERR_BAD_URL: 'bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'param_too_long',
};

/**
 * What to say instead of the framework's words where they do not say what to do: the media type it
 * takes, and why valid JSON can be refused (a `__proto__` key, which Fastify refuses outright).
 */
const FASTIFY_MESSAGES: Record<string, (message: string) => string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (m) => `${m}: send the body as Content-Type: application/json`,
  FST_ERR_CTP_INVALID_JSON_BODY: () =>
    'the body is not valid JSON, or it holds a "__proto__" or "constructor" key (refused: they can alter objects on the server)',
};

/** Longest framework message passed on (it may quote a whole URL), in characters. */
const MAX_MESSAGE_CHARS = 300;

/** A message cut in the middle to MAX_MESSAGE_CHARS: a quoted URL loses its middle, not what is wrong. */
export function clipped(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  const tail = 100;
  return `${message.slice(0, MAX_MESSAGE_CHARS - tail - 3)}...${message.slice(-tail)}`;
}

/** The only place errors become HTTP statuses, headers and JSON bodies. Anything unrecognised is a 500. */
export function httpError(error: unknown): {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
} {
  if (error instanceof InputError)
    return {
      status: 400,
      body: { error: { code: error.code, message: error.message, issues: error.issues } },
    };
  if (error instanceof UnknownModelError)
    return {
      status: 404,
      body: { error: { code: error.code, message: error.message, served: error.served } },
    };
  const status = statusOf(error);
  if (error instanceof UnavailableError && error.retryAfterS !== undefined)
    return {
      status,
      body: { error: { code: error.code, message: error.message } },
      headers: { 'retry-after': String(error.retryAfterS) },
    };
  if (error instanceof MeridianError)
    return { status, body: { error: { code: error.code, message: error.message } } };
  if (error instanceof StoreUnavailableError)
    return {
      status: 503,
      body: { error: { code: 'store_unavailable', message: error.message } },
      headers: { 'retry-after': '1' },
    };
  const e = (error ?? {}) as FastifyLikeError;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const fastifyCode = typeof e.code === 'string' ? FASTIFY_CODES[e.code] : undefined;
    const code = fastifyCode ?? (error instanceof SyntaxError ? 'invalid_json' : 'bad_request');
    const said = typeof e.message === 'string' ? clipped(e.message) : 'bad request';
    const reword = typeof e.code === 'string' ? FASTIFY_MESSAGES[e.code] : undefined;
    const message = reword ? reword(said) : said;
    return { status: e.statusCode, body: { error: { code, message } } };
  }
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'internal error (a bug; please report it)' } },
  };
}

function statusOf(error: unknown): number {
  if (error instanceof UsageError) return 400;
  if (error instanceof AuthError) return 401;
  if (error instanceof ForbiddenError || error instanceof QuotaError || error instanceof AttestationError)
    return 403;
  if (error instanceof RateLimitError) return 429;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof EndpointError) return error.code === 'endpoint_taken' ? 409 : 403;
  if (error instanceof LoopError) return 508;
  if (error instanceof ClientLimitError) return 429;
  if (error instanceof UnavailableError)
    return error.code === 'upstream_failed' ? 502 : error.code === 'deadline_exceeded' ? 504 : 503;
  return 500;
}

/**
 * A request Node's HTTP parser refused before the app saw it (a malformed Content-Length or header line,
 * headers too large, a request not received in time): the status Fastify's own handler gives it (408,
 * 431, else 400) and the body every other error has.
 */
export function socketError(error: { code?: unknown; reason?: unknown; message?: unknown }): {
  status: number;
  body: ErrorBody;
} {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return {
      status: 408,
      body: { error: { code: 'request_timeout', message: 'the request was not received in time' } },
    };
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      body: { error: { code: 'headers_too_large', message: 'the request headers are too large' } },
    };
  const reason = typeof error.reason === 'string' ? error.reason : String(error.message ?? 'parse error');
  return {
    status: 400,
    body: { error: { code: 'bad_request', message: `malformed HTTP request: ${clipped(reason)}` } },
  };
}
