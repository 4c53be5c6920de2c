import type { Request } from '../model/request.js';
import type { NetworkView } from '../network/view.js';
import { Rng } from '../util/rng.js';
import type { LoadAhead } from './load-ahead.js';
import type { Policy, ProfileSpec } from './policy.js';
import type { RouteQuery } from './query.js';
import { Scratch } from './scratch.js';

/** What the caller of `route()` may ask for besides the decision. */
export interface RouteOptions {
  /** Build the receipt (off the hot path otherwise). */
  explain?: boolean;
  /** Time each plugin (reported in the receipt). */
  timing?: boolean;
  /** Candidates listed in the receipt (default 5; the chosen ones are always listed). */
  topN?: number;
  /** Decide with this seed instead of drawing one from `rng` (to replay a receipt). */
  seed?: number;
}

/** The options of a plain decision (shared, so a call without options allocates none). */
export const NO_OPTIONS: RouteOptions = Object.freeze({});

/**
 * The record one decision carries from step to step: its inputs, the per-policy buffers, and what each
 * step found (candidates considered and kept, the primary, its estimate, the deadline outcome). One per
 * policy, reused by every decision, so a decision allocates nothing for it; routing is synchronous.
 */
export class RouteContext {
  readonly policy: Policy;
  readonly spec: ProfileSpec;
  readonly s: Scratch;
  readonly q: RouteQuery;
  request: Request | undefined = undefined;
  view: NetworkView;
  options: RouteOptions = NO_OPTIONS;
  /** The decision's seed, and the generator seeded with it that every random choice uses. */
  seed = 0;
  readonly rng = new Rng(0);
  timed = false;
  /** Nodes able to run the model, the candidates gathered, and the ones left after the filters. */
  capable = 0;
  considered = 0;
  count = 0;
  /** Gathered over every capable node instead of the profile's bounded candidate set. */
  exhaustive = false;
  /** Position of the primary in `s.cands`, or -1. */
  primary = -1;
  estimateMs = 0;
  deadline: 'none' | 'met' | 'missed' = 'none';
  /** Node index of the re-execution spot check, or -1. */
  spotCheck = -1;
  /** The second replica this decision starts (the profile's `warmset.loadAhead`), or null. */
  ahead: LoadAhead | null = null;

  constructor(policy: Policy, view: NetworkView) {
    this.policy = policy;
    this.spec = policy.spec;
    this.view = view;
    const filters = policy.filters.length;
    this.s = new Scratch(
      view.topology,
      filters,
      filters + policy.scorers.length + 1,
      policy.spec.estimate,
      policy.spec.verification.dimensions,
    );
    this.q = this.s.query;
  }

  /** Starts a decision: inputs in, step results and per-decision lists emptied. */
  begin(request: Request, view: NetworkView, seed: number, options: RouteOptions): void {
    this.request = request;
    this.view = view;
    this.options = options;
    this.seed = seed;
    this.rng.reseed(seed);
    this.timed = options.timing === true;
    this.capable = 0;
    this.considered = 0;
    this.count = 0;
    this.exhaustive = false;
    this.primary = -1;
    this.estimateMs = 0;
    this.deadline = 'none';
    this.spotCheck = -1;
    this.ahead = null;
    this.s.reset();
    if (this.timed) this.s.timing.fill(0);
  }
}

const contexts = new WeakMap<Policy, RouteContext>();

/** The context of `policy`, sized for `view`'s topology (a new one when the topology changed). */
export function contextFor(policy: Policy, view: NetworkView): RouteContext {
  let c = contexts.get(policy);
  if (!c || c.s.topology !== view.topology) {
    c = new RouteContext(policy, view);
    contexts.set(policy, c);
  }
  return c;
}
