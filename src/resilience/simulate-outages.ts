import type { Scenario } from '../scenario/types.js';
import type { FailureSpec, SimInput } from '../sim/input.js';
import { buildResults, type PolicyResult } from '../sim/results.js';
import { routingRouterFactory } from '../sim/route-adapter.js';
import { runSimulation } from '../sim/run.js';
import { simInputFromScenario } from '../sim/scenario-input.js';
import type { Selector } from './selector.js';

/** Served requests and end-to-end latency of one simulated run, overall and per client region. */
export interface SimulatedRun {
  requests: number;
  served: number;
  lost: number;
  shed: number;
  p50Ms: number | null;
  p95Ms: number | null;
  byRegion: Record<string, { requests: number; served: number; p50Ms: number | null; p95Ms: number | null }>;
}

export interface SimulatedOutage extends SimulatedRun {
  name: string;
}

export interface OutageSimulation {
  policy: string;
  durationS: number;
  seed: number;
  baseline: SimulatedRun;
  outages: SimulatedOutage[];
}

export interface SimulateOptions {
  /** Routing policy to run (default `meridian`). */
  policy?: string;
  /** Simulated seconds per run (default: the scenario's). */
  durationS?: number;
}

/** A selector as the simulator's failure selector; undefined when it can match nothing (a dimension twice). */
function simSelector(selector: Selector): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  for (const d of selector) {
    if (out[d.dimension] !== undefined && out[d.dimension]![0] !== d.value) return undefined;
    out[d.dimension] = [d.value];
  }
  return out;
}

function summary(r: PolicyResult): SimulatedRun {
  const byRegion: SimulatedRun['byRegion'] = {};
  for (const [region, g] of Object.entries(r.by_region)) {
    byRegion[region] = { requests: g.requests, served: g.served, p50Ms: g.p50, p95Ms: g.p95 };
  }
  return {
    requests: r.requests,
    served: r.served,
    lost: r.lost,
    shed: r.shed,
    p50Ms: r.e2e_ms.p50,
    p95Ms: r.e2e_ms.p95,
    byRegion,
  };
}

function run(input: SimInput, policy: string): SimulatedRun {
  const results = buildResults(runSimulation(input, routingRouterFactory, {}, [policy]));
  return summary(results.policies[policy]!);
}

/**
 * Runs the simulator on the scenario as it is, then once per outage with every node matching the
 * outage's selectors down for the whole run (on top of the scenario's own failures). Same seed, arrivals
 * and policy in every run, so differences come from the outage alone.
 */
export function simulateOutages(
  scenario: Scenario,
  outages: ReadonlyArray<{ name: string; selectors: readonly Selector[] }>,
  options: SimulateOptions = {},
): OutageSimulation {
  const policy = options.policy ?? 'meridian';
  const base = simInputFromScenario(scenario, {
    policies: [policy],
    ...(options.durationS !== undefined ? { durationS: options.durationS } : {}),
  });
  const down = (selectors: readonly Selector[]): FailureSpec[] =>
    selectors.flatMap((s) => {
      const selector = simSelector(s);
      return selector === undefined ? [] : [{ kind: 'outage', atS: 0, durationS: base.durationS, selector }];
    });
  return {
    policy,
    durationS: base.durationS,
    seed: base.seed,
    baseline: run(base, policy),
    outages: outages.map((o) => ({
      name: o.name,
      ...run({ ...base, failures: [...base.failures, ...down(o.selectors)] }, policy),
    })),
  };
}
