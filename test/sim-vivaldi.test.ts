import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioText } from '../src/scenario/load.js';
import { buildResults } from '../src/sim/results.js';
import { routingRouterFactory } from '../src/sim/route-adapter.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { frankfurtScenarioYaml } from './sim-support.js';

/**
 * A near metro behind a bad path: clients in Frankfurt, one node in Paris (≈ 480 km, the distance
 * model's ≈ 12 ms) that the measured matrix puts at 120 ms, one in London (≈ 640 km) at 15 ms. The
 * distance model prefers Paris; the learned client→node RTTs (Vivaldi, fed by the round trips of served
 * requests) see that London is nearer.
 */
const dir = mkdtempSync(join(tmpdir(), 'sim-vivaldi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MATRIX = `,frankfurt,paris,london
frankfurt,0,120,15
paris,120,0,10
london,15,10,0
`;

function scenario(seed: number): string {
  return frankfurtScenarioYaml({
    seed,
    durationS: 300,
    head: 'rtt: { matrix: matrix.csv }',
    nodes: [
      { id: 'paris-1', metro: 'paris', provider: 'aws' },
      { id: 'london-1', metro: 'london', provider: 'gcp' },
    ],
    rps: 1,
    input: 1000,
    output: 20,
  });
}

function run(seed: number) {
  writeFileSync(join(dir, 'matrix.csv'), MATRIX);
  const input = simInputFromScenario(loadScenarioText(scenario(seed), join(dir, 'bad-path.yaml'), dir), {});
  return buildResults(runSimulation(input, routingRouterFactory, {}, ['meridian', 'meridian-static']));
}

describe('learned RTTs where the distance model misleads (a near metro with a bad path)', () => {
  const london = (r: ReturnType<typeof run>, policy: string) =>
    r.policies[policy]!.traffic.provider.top.find((t) => t.value === 'gcp')?.share ?? 0;
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: meridian-static splits between the two (the model sees them within its 10 ms tolerance); meridian sends ≥ 85% to London and its mean time to first token is ≥ 30 ms lower`, () => {
      const r = run(seed);
      const learned = r.policies.meridian!;
      const stat = r.policies['meridian-static']!;
      expect(learned.served).toBeGreaterThan(250);
      expect(london(r, 'meridian-static')).toBeLessThan(0.75);
      expect(london(r, 'meridian')).toBeGreaterThanOrEqual(0.85);
      expect(learned.ttft_ms.mean!).toBeLessThan(stat.ttft_ms.mean! - 30);
    });
  }
});
