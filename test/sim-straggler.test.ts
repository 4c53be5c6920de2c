import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../src/scenario/load.js';
import { routingRouterFactory } from '../src/sim/route-adapter.js';
import { prepareRun } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { simulatePolicy } from '../src/sim/simulation.js';
import { frankfurtScenarioYaml } from './sim-support.js';

/**
 * A straggler picked up and released, end to end in the simulator: two equal h100 nodes in Frankfurt,
 * clients there at 2 requests/s for 600 s; node `a` is 4× slower from 100 s to 200 s. The learning router
 * moves its traffic to `b` during the episode and, once `a` has been silent for a while and its learned
 * factor returns towards the catalog, sends it its share again; the static router never notices.
 */
function scenario(seed: number): string {
  return frankfurtScenarioYaml({
    seed,
    durationS: 600,
    head: 'truth: { episodes: [{ node: a, atS: 100, durationS: 100, factor: 4 }] }',
    nodes: [
      { id: 'a', metro: 'frankfurt', provider: 'aws' },
      { id: 'b', metro: 'frankfurt', provider: 'gcp' },
    ],
    rps: 2,
    input: 1000,
    output: 100,
  });
}

/** Share of the requests arriving in [fromS, toS) that node `a` (index 0) served. */
function shareOfA(seed: number, policy: string) {
  const input = simInputFromScenario(loadScenarioText(scenario(seed), 's.yaml', '.'), {});
  const served: { t: number; node: number }[] = [];
  simulatePolicy(prepareRun(input, {}), policy, routingRouterFactory, {
    served: (s) => served.push({ t: s.arrivalMs, node: s.node }),
  });
  return (fromS: number, toS: number) => {
    const w = served.filter((s) => s.t >= fromS * 1000 && s.t < toS * 1000);
    return w.filter((s) => s.node === 0).length / w.length;
  };
}

describe('a straggler episode (node a 4× slower from 100 s to 200 s)', () => {
  for (const seed of [1, 2]) {
    it(`seed ${seed}: meridian sends a under 5% of the traffic from 150 s to 200 s and 35–65% again from 300 s on; meridian-static keeps sending it over 20% during the episode (only its queue reports tell)`, () => {
      const learned = shareOfA(seed, 'meridian');
      expect(learned(0, 100)).toBeGreaterThan(0.35);
      expect(learned(150, 200)).toBeLessThan(0.05);
      expect(learned(300, 600)).toBeGreaterThan(0.35);
      expect(learned(300, 600)).toBeLessThan(0.65);
      expect(shareOfA(seed, 'meridian-static')(150, 200)).toBeGreaterThan(0.2);
    });
  }
});
