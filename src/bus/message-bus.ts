/**
 * How coordinators tell each other what they saw, so each keeps the same live view without asking the
 * others: a subject and bytes, delivered at most once, in the order each publisher sent them, to every
 * subscriber of the subject (the publisher's own subscriptions included: a publisher that must not apply
 * its own messages marks them). A subscriber that is away when a message passes never gets it: what must
 * survive an absence lives in the store, and a returning subscriber reads it there.
 *
 * Messages published while the bus is disconnected may be lost: the live view is made of messages that
 * are repeated (heartbeats every interval, load every sync), and what must not be lost is in the store.
 * Implementations: `memory-bus.ts` (one process, tests), `nats-bus.ts` (NATS
 * core subjects). Both pass `contract.test.ts`.
 */
export interface MessageBus {
  /** Queues one message; never waits on the network. RangeError for a subject `checkSubject` refuses. */
  publish(subject: string, data: Uint8Array): void;
  /** Calls `handler` with each message on `subject` from now on; returns the call that stops it. */
  subscribe(subject: string, handler: (data: Uint8Array) => void): () => void;
  /** Resolves once every message published before the call has left this process (reached the bus). */
  flush(): Promise<void>;
  /** Whether messages flow now (false while disconnected and after `close`). */
  connected(): boolean;
  /** Calls `fn` on every change of `connected()`; returns the call that stops it. */
  onStatus(fn: (connected: boolean) => void): () => void;
  /** Sends what is buffered, stops every subscription and disconnects. */
  close(): Promise<void>;
}

/** Subjects are tokens of letters, digits, `-` and `_` joined by dots (`meridian.view.beats`); no wildcards. */
export function checkSubject(subject: string): void {
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(subject))
    throw new RangeError(
      `a bus subject is tokens of letters, digits, - and _ joined by dots (got "${subject}")`,
    );
}

/** Calls every listener of a status change (shared by the implementations). */
export class StatusListeners {
  private readonly fns = new Set<(connected: boolean) => void>();

  add(fn: (connected: boolean) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }

  emit(connected: boolean): void {
    for (const fn of this.fns) fn(connected);
  }
}
