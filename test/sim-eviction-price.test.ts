import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyResolver } from '../src/routing/resolver.js';
import { loadScenarioText } from '../src/scenario/load.js';
import { buildResults, type PolicyResult } from '../src/sim/results.js';
import { routerFactoryFor } from '../src/sim/route-adapter.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { oneModelWorld } from './support/one-model-world.js';
import { ROOT } from './support/shared-data.js';

/**
 * The eviction price (`estimate.priceEvictions`, src/estimate/candidate.ts `evictionPriceMs`) in the
 * one-model world (test/support/one-model-world.ts: four 24 GB nodes that hold one 7-8B model each, qwen
 * warm in Tokyo only). Without the price, qwen requests from Frankfurt load qwen over Frankfurt's only
 * llama, the next llama requests there load llama back, and so on. Played to `meridian-reactive` (the
 * price on) and to the same profile with it off, same arrivals.
 */
const WORLD = oneModelWorld(['meridian-reactive', 'unpriced']);
const PROFILES = `
profiles:
  unpriced:
    candidates: { mode: nearest, warm: 12, fast: 8, cold: 6, explore: 4 }
    filters: [healthy, trusted, countries, max-price, verification]
    scorers: [completion-time, demoted]
    picker: no-herd
    fallbacks: independent
    estimate: { priceEvictions: false }
    warmset: { controller: false, loadAhead: true }
`;

describe('the eviction price in a world of one-model nodes', () => {
  let priced: PolicyResult;
  let unpriced: PolicyResult;
  beforeAll(() => {
    const scenario = loadScenarioText(WORLD, 'eviction-price-world.yaml', join(ROOT, 'scenarios'));
    const input = simInputFromScenario(scenario, { policies: ['meridian-reactive', 'unpriced'] });
    const factory = routerFactoryFor(PolicyResolver.fromText(PROFILES, 'eviction-price-profiles.yaml'));
    const results = buildResults(runSimulation(input, factory));
    priced = results.policies['meridian-reactive']!;
    unpriced = results.policies.unpriced!;
  }, 60_000);

  it('serves the same requests', () => {
    expect(priced.requests).toBe(unpriced.requests);
    expect(priced.served).toBe(unpriced.served);
  });

  it('makes under a fifth of the requests wait on a cold start, and cuts the loads and the mean wait', () => {
    expect(priced.waited_on_cold_start).toBeLessThan(unpriced.waited_on_cold_start / 5);
    expect(priced.cold_starts).toBeLessThan(unpriced.cold_starts / 5);
    expect(priced.mean_wait_ms!).toBeLessThan(unpriced.mean_wait_ms!);
    expect(priced.e2e_ms.p95!).toBeLessThanOrEqual(unpriced.e2e_ms.p95!);
  });
});
