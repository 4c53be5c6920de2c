import type { AttemptLimits } from './timing.js';
import type { AbortBinding } from './upstream.js';

/**
 * An attempt's cancellation and what its failure was. A `Watch` ends an attempt when the caller cancels,
 * when its first byte (then, once a stream has begun, its next chunk) is later than its limit, or at the
 * client's deadline; one sweep checks every running attempt's limits. A failure is classified for the
 * node's breaker: a limit from the node's expected timing counts, the client's deadline and a
 * cancellation do not.
 */

/** `timeout`: a limit from the node's expected timing passed; `deadline`: the client's deadline passed. */
export type FailureKind = 'connect' | 'timeout' | 'deadline' | 'status' | 'body' | 'aborted';

export interface Failed {
  ok: false;
  nodeId: string;
  kind: FailureKind;
  status?: number;
  message: string;
  /** Counts against the node's breaker (overload answers and stale model lists do not). */
  breaker: boolean;
}

/** A streamed answer failed after its first chunk. */
export class StreamBroken extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** Counts against the node (false when the client went away). */
    readonly breaker: boolean,
  ) {
    super(message);
  }
}

/**
 * How often the watched attempts' limits are checked, ms: a limit fires up to this much late. One sweep
 * for all attempts instead of Node timers per attempt: each attempt's limits differ, and Node keeps one
 * list of timers per duration, so every request made, queued and dropped a list of its own.
 */
export const SWEEP_MS = 10;

/**
 * The attempts under watch, checked every SWEEP_MS while there are any: a list linked through the
 * watches themselves (adding and removing one is a few field writes, no hashing of a new object).
 */
let first: Watch | undefined;
let sweeper: NodeJS.Timeout | undefined;

function enlist(w: Watch): void {
  w.next = first;
  if (first !== undefined) first.prev = w;
  first = w;
  w.listed = true;
  if (sweeper !== undefined) return;
  sweeper = setInterval(sweep, SWEEP_MS);
  sweeper.unref(); // the upstream sockets keep the process alive while an attempt runs
}

function delist(w: Watch): void {
  if (!w.listed) return;
  w.listed = false;
  if (w.prev !== undefined) w.prev.next = w.next;
  else first = w.next;
  if (w.next !== undefined) w.next.prev = w.prev;
  w.prev = undefined;
  w.next = undefined;
}

/** Checks every watched attempt; the interval stops at the first sweep that finds none (not at each end). */
function sweep(): void {
  if (first === undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
    return;
  }
  const now = Date.now();
  for (let w: Watch | undefined = first; w !== undefined; ) {
    const next: Watch | undefined = w.next; // check() may take w off the list
    w.check(now);
    w = next;
  }
}

/**
 * The attempt's own cancellation: the caller's signal, the first-byte limit (then the idle limit, once
 * the first chunk is in) and the client's deadline, checked by the shared sweep. A chunk only sets a flag;
 * the sweep that sees it starts the idle limit again. The upstream request is aborted through `signal`
 * (made only when asked for) or through the abort it hands to `bind` (no AbortController on the path of
 * buffered answers).
 */
export class Watch implements AbortBinding {
  expired: { kind: 'timeout' | 'deadline'; message: string } | undefined;
  private controller: AbortController | undefined;
  private abortUpstream: (() => void) | undefined;
  private aborted = false;
  /** Clock time (`Date.now()`) at which the first-byte or idle limit passes. */
  private stallAt: number;
  /** The first chunk is in: `stallAt` is the idle limit's. */
  private streaming = false;
  /** A chunk came since the last sweep. */
  private moved = false;
  /** Links of the list of watched attempts (`enlist`, `delist`). */
  prev: Watch | undefined;
  next: Watch | undefined;
  listed = false;
  private readonly relay = () => this.abort();

  constructor(
    private readonly parent: AbortSignal | undefined,
    private readonly limits: AttemptLimits,
  ) {
    if (parent?.aborted) this.abort();
    else parent?.addEventListener('abort', this.relay, { once: true });
    this.stallAt = Date.now() + limits.firstByteMs;
    enlist(this);
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort();
    }
    return this.controller.signal;
  }

  bind(abort: () => void): void {
    if (this.aborted) abort();
    else this.abortUpstream = abort;
  }

  /** The caller cancelled (client gone, hedge lost), not a limit. */
  get cancelled(): boolean {
    return this.parent?.aborted === true && this.expired === undefined;
  }

  /** The first chunk is in: from now on, a silence longer than the idle limit ends the attempt. */
  started(): void {
    this.streaming = true;
    this.moved = false;
    this.stallAt = Date.now() + this.limits.idleMs;
  }

  /** Another chunk is in. */
  tick(): void {
    this.moved = true;
  }

  /** Called by the sweep: fires the limit that has passed at `now`, if any. */
  check(now: number): void {
    if (now >= this.limits.deadlineAt) this.fire('deadline', "the client's deadline passed");
    else if (this.moved) {
      this.moved = false;
      this.stallAt = now + this.limits.idleMs;
    } else if (now >= this.stallAt)
      this.fire(
        'timeout',
        this.streaming
          ? `stalled: no data for ${ms(this.limits.idleMs)} (idle limit)`
          : `no answer within the first-byte limit of ${ms(this.limits.firstByteMs)}`,
      );
  }

  done(): void {
    delist(this);
    this.abortUpstream = undefined;
    this.parent?.removeEventListener('abort', this.relay);
  }

  /** The failure of an attempt that threw `error`: cancelled, out of time, or the node's own error. */
  failure(nodeId: string, error: unknown, prefix = ''): Failed {
    this.done();
    if (this.cancelled) return fail(nodeId, 'aborted', 'cancelled (client gone or hedge lost)', false);
    if (this.expired !== undefined)
      return fail(nodeId, this.expired.kind, prefix + this.expired.message, this.expired.kind === 'timeout');
    return fail(nodeId, prefix ? 'body' : errorKind(error), prefix + errorMessage(error), true);
  }

  /** A limit passed: the attempt ends (once; the sweep stops checking it). */
  private fire(kind: 'timeout' | 'deadline', message: string): void {
    delist(this);
    this.expired ??= { kind, message };
    this.abort();
  }

  private abort(): void {
    this.aborted = true;
    this.controller?.abort();
    this.abortUpstream?.();
  }
}

/** The rest of a streamed body under the watch: each chunk refreshes the idle limit. */
export class WatchedRest implements AsyncIterator<Buffer> {
  constructor(
    private readonly it: AsyncIterator<Buffer>,
    private readonly watch: Watch,
    private readonly nodeId: string,
  ) {}

  async next(): Promise<IteratorResult<Buffer>> {
    try {
      const r = await this.it.next();
      if (r.done) this.watch.done();
      else this.watch.tick();
      return r;
    } catch (e) {
      const f = this.watch.failure(this.nodeId, e, 'stream broke: ');
      throw new StreamBroken(f.kind, f.message, f.breaker);
    }
  }
}

function ms(v: number): string {
  return `${Math.round(v).toLocaleString('en-US')} ms`;
}

export function fail(
  nodeId: string,
  kind: FailureKind,
  message: string,
  breaker: boolean,
  status?: number,
): Failed {
  return { ok: false, nodeId, kind, message, breaker, ...(status === undefined ? {} : { status }) };
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
