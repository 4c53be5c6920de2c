import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioText } from '../src/scenario/load.js';
import { buildResults, type PolicyResult } from '../src/sim/results.js';
import { routingRouterFactory } from '../src/sim/route-adapter.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { oneModelWorld } from './support/one-model-world.js';
import { ROOT } from './support/shared-data.js';

/**
 * The one-model world (test/support/one-model-world.ts): the same arrivals are played with the warm-set
 * controller on (`meridian`) and off (`meridian-reactive`).
 */
const WORLD = oneModelWorld(['meridian', 'meridian-reactive']);

describe('the warm-set controller in a small shifting-demand world, on (meridian) and off (meridian-reactive)', () => {
  let on: PolicyResult;
  let off: PolicyResult;
  beforeAll(() => {
    const scenario = loadScenarioText(WORLD, 'warm-set-world.yaml', join(ROOT, 'scenarios'));
    const input = simInputFromScenario(scenario, {});
    const results = buildResults(runSimulation(input, routingRouterFactory));
    on = results.policies.meridian!;
    off = results.policies['meridian-reactive']!;
  }, 120_000);

  it('plays the same arrivals to both and serves every one', () => {
    expect(on.requests).toBe(off.requests);
    expect(on.requests).toBeGreaterThan(5_000);
    expect(on.served).toBe(on.requests);
    expect(off.served).toBe(off.requests);
  });

  it('records the orders of the controller only where it runs', () => {
    expect(off.warm_set).toBeNull();
    expect(on.warm_set).not.toBeNull();
    const ws = on.warm_set!;
    expect(ws.loads + ws.unloads + ws.not_done).toBe(ws.actions.length);
    expect(ws.actions.every((a) => a.reason.length > 0 && a.t_s > 0 && a.t_s % 60 === 0)).toBe(true);
  });

  it('gives qwen (warm only in gcp) a replica in a second provider, evicting llama where the router sent it nothing', () => {
    const actions = on.warm_set!.actions;
    // The first one carried out (an order is not while the model to evict still has requests).
    const k = actions.findIndex((a) => a.kind === 'load' && a.model === 'qwen2.5-7b-instruct' && a.done);
    expect(k).toBeGreaterThan(0);
    const load = actions[k]!;
    expect(load.reason).toMatch(/^warm only in gcp; /);
    expect(load.node).not.toBe('tyo');
    // The node's 24 GB hold one model: llama goes first, in the same plan.
    expect(actions[k - 1]).toMatchObject({
      t_s: load.t_s,
      kind: 'unload',
      node: load.node,
      model: 'llama-3.1-8b-instruct',
      reason: 'evicted to make room for qwen2.5-7b-instruct',
      done: true,
    });
  });

  it('counts the served requests that waited on a cold start, at most one per served request', () => {
    for (const p of [on, off]) {
      expect(p.waited_on_cold_start).toBeGreaterThanOrEqual(0);
      expect(p.waited_on_cold_start).toBeLessThanOrEqual(p.served);
    }
    console.log(
      `warm-set world: e2e p95 ${on.e2e_ms.p95} ms (controller on) vs ${off.e2e_ms.p95} ms (off); waited on a cold start ${on.waited_on_cold_start} vs ${off.waited_on_cold_start}; cold starts ${on.cold_starts} vs ${off.cold_starts}`,
    );
  });
});
