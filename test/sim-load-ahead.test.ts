import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyResolver } from '../src/routing/resolver.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { buildResults, type PolicyResult } from '../src/sim/results.js';
import { routerFactoryFor } from '../src/sim/route-adapter.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { ROOT } from './support/shared-data.js';

/**
 * The router's second replicas (routing/load-ahead.ts) in the simulator: heterogeneous.yaml (hundreds of
 * nodes, 60–80 % of slots busy at peak, hidden speeds) with the same arrivals played to
 * `meridian-reactive` (load-ahead on, controller off) and to the same profile with load-ahead off, on two
 * seeds. The router starts a load only where it fits beside what the node holds, so what it buys is
 * shorter queues at the warm nodes.
 */
const PROFILES = `
profiles:
  no-load-ahead:
    candidates: { mode: nearest, warm: 12, fast: 8, cold: 6, explore: 4 }
    filters: [healthy, trusted, countries, max-price, verification]
    scorers: [completion-time, demoted]
    picker: no-herd
    fallbacks: independent
    warmset: { controller: false, loadAhead: false }
`;
const REASON = /^router: (\d+) ms queued at the warm primary, the load takes (\d+) ms$/;

describe.each([1, 2])('load-ahead on heterogeneous.yaml, seed %i', (seed) => {
  let on: PolicyResult;
  let off: PolicyResult;
  beforeAll(() => {
    const scenario = loadScenarioFile(join(ROOT, 'scenarios', 'heterogeneous.yaml'));
    const input = simInputFromScenario(scenario, { seed, policies: ['meridian-reactive', 'no-load-ahead'] });
    const factory = routerFactoryFor(PolicyResolver.fromText(PROFILES, 'load-ahead-profiles.yaml'));
    const results = buildResults(runSimulation(input, factory));
    on = results.policies['meridian-reactive']!;
    off = results.policies['no-load-ahead']!;
  }, 60_000);

  it('records every load the router started, with the queue and load time that called for it (queue ≥ 0.25 × load)', () => {
    expect(off.warm_set).toBeNull();
    const ws = on.warm_set!;
    expect(ws.router_loads).toBeGreaterThan(50);
    expect(ws.router_loads).toBe(ws.loads);
    for (const a of ws.actions) {
      const m = REASON.exec(a.reason);
      expect(m, a.reason).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThanOrEqual(0.25 * Number(m![2]) - 1);
    }
  });

  it('serves the same requests with a shorter mean wait and a lower e2e p95 than without', () => {
    expect(on.requests).toBe(off.requests);
    expect(on.served).toBe(off.served);
    expect(on.mean_wait_ms!).toBeLessThan(0.95 * off.mean_wait_ms!);
    expect(on.e2e_ms.p95!).toBeLessThan(off.e2e_ms.p95!);
  });
});
