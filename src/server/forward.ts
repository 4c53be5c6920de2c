import { type AttemptResult, attempt, type Delivered, type FailureKind } from './attempt.js';
import type { BreakerBoard } from './breakers.js';
import type { HedgeBudget } from './hedge-budget.js';
import type { AttemptLimits } from './timing.js';
import type { Upstreams } from './upstream.js';

/**
 * Failover and hedging over a decision's ordered candidates (primary, then independent fallbacks): try
 * each in turn, skip those whose node or shared domain breaker is open, and stop at the first answer.
 * With a hedge, a copy goes to the hedge node when the primary has not answered after `delayMs`; the first
 * answer wins and the other is cancelled. No attempt starts after the client's deadline.
 */

export interface ForwardPlan {
  candidates: readonly string[];
  hedge?: { nodeId: string; delayMs: number };
  maxAttempts: number;
}

export interface AttemptLog {
  nodeId: string;
  outcome: 'ok' | 'skipped' | FailureKind;
  status?: number;
  message?: string;
  /** Time from the request's start to this attempt's end, ms. */
  atMs: number;
  hedge?: boolean;
}

export interface ForwardResult {
  delivered?: Delivered;
  attempts: AttemptLog[];
  /** Shared domains whose breaker stopped the failover (`upstream=openai`). */
  stoppedDomains: string[];
  /** The client's deadline passed before an answer. */
  deadlineExceeded: boolean;
}

export interface ForwardDeps {
  upstreams: Upstreams;
  breakers: BreakerBoard;
  budget: HedgeBudget;
  now: () => number;
  /** Called when an attempt starts and when it has finished (in-flight accounting). */
  begin?: (nodeId: string) => void;
  end?: (nodeId: string) => void;
  /** Called after every settled attempt (metrics). */
  onAttempt?: (result: AttemptResult) => void;
  onHedge?: () => void;
}

/** What every attempt sends: the path, the body for a given node (model names may differ), streamed or not. */
export interface ForwardInput {
  path: string;
  body: (nodeId: string) => string;
  stream: boolean;
  /** Time limits of an attempt on the node (all share the request's deadline). */
  limits: (nodeId: string) => AttemptLimits;
  /** Clock time (`Date.now()`) of the client's deadline; +Infinity when none. */
  deadlineAt: number;
  /** The `x-meridian-hop` chain every attempt carries. */
  hop?: string;
  /** Extra request headers for every node (where the client is). */
  headers?: Record<string, string>;
}

export async function forward(
  deps: ForwardDeps,
  plan: ForwardPlan,
  input: ForwardInput,
  /** Aborted when the client goes away (streamed requests); undefined: attempts always run to the end. */
  clientSignal?: AbortSignal,
): Promise<ForwardResult> {
  const start = deps.now();
  const attempts: AttemptLog[] = [];
  const stopped = new Set<string>();
  const used = new Set<string>();
  let tried = 0;

  const settle = (r: AttemptResult, hedge: boolean): void => {
    deps.onAttempt?.(r);
    const log: AttemptLog = { nodeId: r.nodeId, outcome: r.ok ? 'ok' : r.kind, atMs: deps.now() - start };
    if (r.ok) {
      log.status = r.status;
      deps.breakers.success(r.nodeId);
    } else {
      if (r.status !== undefined) log.status = r.status;
      log.message = r.message;
      if (r.breaker) for (const d of deps.breakers.failure(r.nodeId, deps.now())) stopped.add(d);
    }
    if (hedge) log.hedge = true;
    attempts.push(log);
  };

  /** An attempt; `cancellable` ones (hedge races) get their own signal, others share the client's. */
  const run = (nodeId: string, cancellable = false): Running => {
    let signal = clientSignal;
    let cancel = () => {};
    if (cancellable) {
      const own = new AbortController();
      const relay = () => own.abort();
      clientSignal?.addEventListener('abort', relay, { once: true });
      signal = own.signal;
      cancel = () => own.abort();
    }
    const body = input.body(nodeId);
    deps.begin?.(nodeId);
    const limits = input.limits(nodeId);
    // One literal with every field (absent ones undefined): conditional spreads copy through the runtime.
    const promise = attempt(deps.upstreams, nodeId, {
      path: input.path,
      body,
      stream: input.stream,
      limits,
      signal,
      hop: input.hop,
      headers: input.headers,
    });
    void promise.finally(() => deps.end?.(nodeId));
    return { promise, cancel };
  };

  const admit = (nodeId: string): boolean => {
    const blocked = deps.breakers.check(nodeId, deps.now());
    if (blocked === undefined) return true;
    const message = blocked.kind === 'node' ? 'node breaker open' : `shared domain ${blocked.domain} failing`;
    if (blocked.kind === 'domain') stopped.add(blocked.domain);
    attempts.push({ nodeId, outcome: 'skipped', message, atMs: deps.now() - start });
    return false;
  };

  let late = false;
  for (const nodeId of plan.candidates) {
    if (tried >= plan.maxAttempts || clientSignal?.aborted) break;
    if (Date.now() >= input.deadlineAt) {
      late = true;
      break;
    }
    if (used.has(nodeId)) continue;
    used.add(nodeId);
    if (!admit(nodeId)) continue;
    tried++;
    const hedge = tried === 1 ? plan.hedge : undefined;
    const primary = run(nodeId, hedge !== undefined);
    let result: AttemptResult;
    if (hedge === undefined || used.has(hedge.nodeId)) {
      result = await primary.promise;
      settle(result, false);
    } else {
      result = await raceHedge(primary, hedge, deps, run, admit, settle, used);
    }
    if (result.ok)
      return { delivered: result, attempts, stoppedDomains: [...stopped], deadlineExceeded: false };
  }
  const deadlineExceeded = late || attempts.some((a) => a.outcome === 'deadline');
  return { attempts, stoppedDomains: [...stopped], deadlineExceeded };
}

type Running = { promise: Promise<AttemptResult>; cancel: () => void };

async function raceHedge(
  primary: Running,
  hedge: { nodeId: string; delayMs: number },
  deps: ForwardDeps,
  run: (nodeId: string, cancellable?: boolean) => Running,
  admit: (nodeId: string) => boolean,
  settle: (r: AttemptResult, hedge: boolean) => void,
  used: Set<string>,
): Promise<AttemptResult> {
  let timer: NodeJS.Timeout | undefined;
  const delay = new Promise<'delay'>((resolve) => {
    timer = setTimeout(() => resolve('delay'), hedge.delayMs);
  });
  const early = await Promise.race([primary.promise, delay]);
  clearTimeout(timer);
  if (early !== 'delay' || !deps.budget.tryHedge(deps.now())) {
    const r = early === 'delay' ? await primary.promise : early;
    settle(r, false);
    return r;
  }
  used.add(hedge.nodeId);
  if (!admit(hedge.nodeId)) {
    const r = await primary.promise;
    settle(r, false);
    return r;
  }
  deps.onHedge?.();
  const copy = run(hedge.nodeId, true);
  const tagged = [
    primary.promise.then((r) => ({ r, hedge: false, other: copy })),
    copy.promise.then((r) => ({ r, hedge: true, other: primary })),
  ];
  const first = await Promise.race(tagged);
  if (first.r.ok) {
    first.other.cancel();
    settle(first.r, first.hedge);
    void first.other.promise.then((r) => (r.ok ? r.abort() : undefined));
    return first.r;
  }
  settle(first.r, first.hedge);
  const second = await (first.hedge ? tagged[0]! : tagged[1]!);
  settle(second.r, second.hedge);
  return second.r;
}
