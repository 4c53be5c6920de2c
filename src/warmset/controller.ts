import { type Candidate, LoadTable } from './load-table.js';
import { WarmPlan } from './plan-state.js';

/**
 * The warm-set controller: which models to keep loaded on which nodes over the next `horizonMs`, decided
 * ahead of forecast demand. Units: ms, requests per second, GB.
 *
 * Economics, per model m with forecast arrival rate λ (requests/s over the horizon, e.g. the upper
 * end of the forecast interval) and mean service time S on its warm replicas:
 *
 *   - queueing: the warm replicas form an M/M/c queue with c = their slots; the expected wait per
 *     request is S · erlangCWait(c, λ·S), at most the cold start it could pay instead. A request that finds
 *     no warm replica pays a cold start; so does the demand beyond 90% of the replicas' slots
 *     (`MAX_CARRIED`), so that in overload every replica added still shortens the wait.
 *   - place: when the forecast is split by the clients' region (λ_r, with `regions`, and each node's
 *     round trip from each region), each request also pays the round trip from its region to the
 *     nearest warm replica: Σ_r λ_r · horizon · RTT(r, nearest). A replica near a region's coming peak
 *     then gains more than one far from it, and a replica whose nearby demand has left costs little to
 *     evict (its far demand is nearer to another replica). A replica's slots shorten the queue only for
 *     the share of the model's demand from regions within `reachMs` of it (the router sends little
 *     from farther), except the model's first or last replica, which every request needs;
 *   - a load on node n gains λ·horizon requests × (wait before − wait after), queueing and round trips,
 *     where "before" is the cold start when m has no warm replica at all;
 *   - it costs the load itself: while node n loads for L ms, the requests it serves now (its share of
 *     the demand of its resident models, λ_n) are assumed to wait L/2 on average, λ_n·L·L/2; plus L once
 *     (so that no load is free); plus the extra wait of the demand of any model it evicts, priced as above,
 *     and, where the node reports what it served (`servedRps`), each request it served of the evicted
 *     model over the horizon paying that model's reload on the node (the router would bring it back);
 *   - a load is made only when its gain exceeds its cost by `margin` (default 1.5×).
 *
 * Independence: every model with demand keeps warm replicas in at least two independent domains (when
 * its capable nodes span two and it takes no eviction that costs more than the replica gains); such a
 * load is made first, whatever its own economics.
 * Unloads: a model whose forecast rate is below `idleRps` over the horizon is unloaded everywhere except
 * where it is the last warm replica of a model that had demand in the last horizon.
 * Memory and operator limits: a node loads only into free memory or by evicting models worth less than
 * the load gains; `maxResident` caps how many models a node keeps.
 * Cost: every possible load is priced once and kept up to date as loads are made (`LoadTable`), so a plan
 * over thousands of nodes that makes hundreds of loads prices each only when something it reads changed.
 */

/**
 * How long, in horizons, the controller does not load a model again on a node where its own load of that
 * model was undone (the model gone again with no unload ordered): what undid it (requests for another
 * model there, the router's own loads) would likely undo the next. One horizon let the next load come as
 * soon as the block ended, and be undone within seconds, a swap every horizon on the busiest nodes; two
 * kept shifting-demand at 4.5 requests/s out of the queue collapse one horizon led to (docs/simulator.md,
 * "Overload"). The simulator's loop (`src/sim/warm-set-loop.ts`) and `meridian serve`
 * (`src/server/warm-control.ts`) apply it.
 */
export const UNDONE_BLOCK_HORIZONS = 2;

export interface WarmSetModel {
  readonly id: string;
  /** Memory a resident replica takes (weights plus headroom), GB. */
  readonly footprintGb: number;
  /** Forecast arrival rate over the horizon, requests/s. */
  readonly rps: number;
  /** The same forecast split by the clients' region (indexes into `regions`), requests/s. */
  readonly regionRps?: readonly number[];
}

export interface WarmSetNode {
  readonly id: string;
  /** Memory for resident models, GB. */
  readonly memoryGb: number;
  readonly slots: number;
  /** Independence domain (provider or operator, as the policy names it). */
  readonly domain: string;
  /** Operator limit on resident models (Infinity when none). */
  readonly maxResident: number;
  /** Models resident now (indexes into the model list). */
  readonly warm: readonly number[];
  /** Per model index: expected load time in ms, or undefined when the node cannot serve the model. */
  readonly loadMs: readonly (number | undefined)[];
  /** Per model index: mean service time of one request, ms (undefined when it cannot serve it). */
  readonly serviceMs: readonly (number | undefined)[];
  /**
   * Per model index: requests/s the router sent this node for the model lately (absent: unknown, 0).
   * Evicting a model the node serves costs each of those requests over the horizon its reload here.
   */
  readonly servedRps?: readonly (number | undefined)[];
  /** Per region (indexes into `regions`): round trip from its clients to this node, ms. */
  readonly rttMs?: readonly number[];
}

export interface WarmSetInput {
  readonly horizonMs: number;
  readonly models: readonly WarmSetModel[];
  readonly nodes: readonly WarmSetNode[];
  /** Client regions that models' `regionRps` and nodes' `rttMs` are indexed by (none: place is ignored). */
  readonly regions?: readonly string[];
  /** Round trip within which a replica serves a region's demand, ms (default: any). */
  readonly reachMs?: number;
  /** Required gain ÷ cost for an economic load (default 1.5). */
  readonly margin?: number;
  /** Forecast rate below which a model is idle, requests/s (default 1 request per horizon). */
  readonly idleRps?: number;
}

export interface WarmSetAction {
  readonly kind: 'load' | 'unload';
  readonly node: string;
  readonly model: string;
  /** Why, in words, with the numbers (for the record every command keeps). */
  readonly reason: string;
  /** Expected time saved over the horizon (ms summed over requests); 0 for unloads and diversity loads. */
  readonly gainMs: number;
  /** What the action costs over the horizon (ms). */
  readonly costMs: number;
}

/** Makes load `c` (and its evictions) in the plan, records the actions, and reprices what it changed. */
function apply(input: WarmSetInput, plan: WarmPlan, table: LoadTable, c: Candidate, reason: string): void {
  const node = input.nodes[c.n]!;
  for (const k of c.evict) {
    plan.remove(c.n, k);
    plan.actions.push({
      kind: 'unload',
      node: node.id,
      model: input.models[k]!.id,
      reason: `evicted to make room for ${input.models[c.m]!.id}`,
      gainMs: 0,
      costMs: 0,
    });
  }
  plan.add(c.n, c.m);
  plan.actions.push({
    kind: 'load',
    node: node.id,
    model: input.models[c.m]!.id,
    reason,
    gainMs: c.gain,
    costMs: c.cost,
  });
  table.applied(c);
}

/** The actions that move the current warm sets toward the forecast, in the order they should be carried out. */
export function planWarmSets(input: WarmSetInput): WarmSetAction[] {
  const margin = input.margin ?? 1.5;
  const idleRps = input.idleRps ?? 1000 / input.horizonMs;
  const plan = new WarmPlan(input);
  const busy = input.models.map((m, k) => ({ m, k })).filter((x) => x.m.rps >= idleRps);
  busy.sort((a, b) => b.m.rps - a.m.rps);
  const table = new LoadTable(
    input,
    plan,
    busy.map((x) => x.k),
  );
  // 1. Independence: two domains for every model with demand, where its capable nodes allow.
  busy.forEach(({ m, k }, row) => {
    const domains = new Set(plan.replicasOf(k).map((n) => input.nodes[n]!.domain));
    while (domains.size < 2) {
      const c = table.best(row, domains);
      if (c === undefined) break;
      apply(
        input,
        plan,
        table,
        c,
        `${domains.size === 0 ? 'no warm replica' : `warm only in ${[...domains][0]}`}; ${m.rps.toFixed(2)} req/s forecast`,
      );
      domains.add(input.nodes[c.n]!.domain);
    }
  });
  // 2. Economics: the best load at a time while one pays for itself by the margin.
  for (let guard = 0; guard < input.nodes.length * input.models.length; guard++) {
    let best: Candidate | undefined;
    for (let row = 0; row < busy.length; row++) {
      const c = table.best(row);
      if (
        c !== undefined &&
        c.gain > margin * c.cost &&
        (best === undefined || c.gain - c.cost > best.gain - best.cost)
      )
        best = c;
    }
    if (best === undefined) break;
    const m = input.models[best.m]!;
    apply(
      input,
      plan,
      table,
      best,
      `saves ${(best.gain / 1000).toFixed(1)} s of waiting over the horizon at ${m.rps.toFixed(2)} req/s for ${(best.cost / 1000).toFixed(1)} s of load and displaced demand`,
    );
  }
  // 3. Idle models go, except the last warm replica of each.
  input.models.forEach((model, k) => {
    if (model.rps >= idleRps) return;
    const replicas = plan.replicasOf(k);
    for (const n of replicas.slice(1)) {
      plan.remove(n, k);
      plan.actions.push({
        kind: 'unload',
        node: input.nodes[n]!.id,
        model: model.id,
        reason: `idle: ${model.rps.toFixed(3)} req/s forecast, below ${idleRps.toFixed(3)}`,
        gainMs: 0,
        costMs: 0,
      });
    }
  });
  return plan.actions;
}
