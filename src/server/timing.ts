import { estimateParams } from '../estimate/params.js';
import { emptyTiming, expectedTiming } from '../estimate/timing.js';
import type { Request } from '../model/request.js';
import type { NetworkView } from '../network/view.js';
import { compileQuery, RouteQuery } from '../routing/query.js';

/**
 * Time limits of one attempt, from the node's expected timing (src/estimate/timing.ts) rather than one
 * fixed number for every model and node: the first byte may take `factor` × the expected time to the
 * first token (for a non-streamed answer, to the last) plus a floor, and a stream may go silent for
 * `factor` × the decode time per token plus a floor. Both are capped by the configured ceilings.
 */

export interface TimingOptions {
  factor: number;
  firstByteFloorMs: number;
  idleFloorMs: number;
  /** Output tokens assumed for the limit of a non-streamed request that does not bound its output. */
  unboundedOutputTokens: number;
  /** Ceilings: no first byte later than this, no silence longer than this. */
  maxFirstByteMs: number;
  maxIdleMs: number;
}

export interface AttemptLimits {
  /** From sending the request to the first byte of the answer's body, ms. */
  firstByteMs: number;
  /** Longest silence between two chunks of a streamed answer, ms. */
  idleMs: number;
  /** Clock time (`Date.now()`) of the client's deadline; +Infinity when it set none. */
  deadlineAt: number;
}

export class AttemptTiming {
  private readonly q = new RouteQuery(estimateParams());
  private readonly timing = emptyTiming();

  constructor(private readonly opt: TimingOptions) {}

  /**
   * The limits for `request` on any node, worked out when an attempt asks for them (most requests make
   * one attempt, so the fallbacks' limits are rarely needed). They are read from `view` as it is at that
   * moment: the primary's on the view the request was decided on, a fallback's or hedge's on the same live
   * view refreshed since, if it was. `bounded`: the request set its own output limit (else a non-streamed
   * answer is allowed `unboundedOutputTokens`). A node or model the view does not know gets the ceilings.
   */
  limitsFor(
    view: NetworkView,
    request: Request,
    opt: { stream: boolean; bounded: boolean; deadlineAt: number },
  ): (nodeId: string) => AttemptLimits {
    return (nodeId) => this.limits(view, request, opt, nodeId);
  }

  /** The limits for `request` on `nodeId`, on `view` now (see `limitsFor`). */
  limits(
    view: NetworkView,
    request: Request,
    opt: { stream: boolean; bounded: boolean; deadlineAt: number },
    nodeId: string,
  ): AttemptLimits {
    const o = this.opt;
    const i = view.topology.index.get(nodeId);
    if (i === undefined || compileQuery(this.q, request, view) !== undefined)
      return { firstByteMs: o.maxFirstByteMs, idleMs: o.maxIdleMs, deadlineAt: opt.deadlineAt };
    if (!opt.stream && !opt.bounded)
      this.q.outputTokens = Math.max(this.q.outputTokens, o.unboundedOutputTokens);
    const e = expectedTiming(view, this.q, i, this.timing);
    const first = opt.stream ? e.firstTokenMs : e.totalMs;
    // Whole ms, as the limits are stated in failure messages and docs/coordinator.md.
    return {
      firstByteMs: Math.ceil(Math.min(o.maxFirstByteMs, o.factor * first + o.firstByteFloorMs)),
      idleMs: Math.ceil(Math.min(o.maxIdleMs, o.factor * e.perTokenMs + o.idleFloorMs)),
      deadlineAt: opt.deadlineAt,
    };
  }
}
