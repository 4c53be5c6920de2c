import type { Request } from '../model/request.js';
import type { NetworkView } from '../network/view.js';
import type { Policy } from '../routing/policy.js';
import { route } from '../routing/route.js';
import { Rng } from '../util/rng.js';

/**
 * The one place the gateway obtains a routing decision: the shared `route()` of src/routing (the same
 * code the simulator runs), adapted to what the gateway needs. Nothing here chooses nodes.
 */

export interface GatewayDecision {
  /** Node id of the primary, or undefined when nothing can serve the request. */
  primary?: string;
  /** Independent fallbacks in order. */
  fallbacks: string[];
  /** Node that gets a hedge copy (the first fallback) when the request asked for one. */
  hedge?: string;
  /** Why nothing was chosen (route's error code and message), when `primary` is undefined. */
  error?: { code: string; message: string };
  /** The routing receipt as JSON-ready data. */
  receipt: unknown;
  /** The router's expected completion time on the primary, ms. */
  estimateMs?: number;
  /** A second node to load the model on now (route's `loadAhead`), when the profile asks for one. */
  loadAhead?: { node: string; waitMs: number; loadMs: number };
}

export type Decide = (request: Request, view: NetworkView) => GatewayDecision;

/** Decisions by `route()` with `policy`; one seeded generator for the process, receipts always built. */
export function routeDecider(policy: Policy, seed: number): Decide {
  const rng = new Rng(seed);
  return (request, view) => {
    const d = route(request, view, policy, rng, { explain: true });
    if (!d.ok)
      return { fallbacks: [], error: d.error, receipt: d.receipt ?? { policy: d.policy, seed: d.seed } };
    return {
      primary: d.primary,
      fallbacks: [...d.fallbacks],
      hedge: d.hedge ?? undefined,
      receipt: d.receipt,
      estimateMs: d.estimateMs,
      ...(d.loadAhead && {
        loadAhead: { node: d.loadAhead.node, waitMs: d.loadAhead.waitMs, loadMs: d.loadAhead.loadMs },
      }),
    };
  };
}
