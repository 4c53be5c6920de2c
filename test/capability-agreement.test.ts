import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canServe } from '../src/model/capability.js';
import { Topology } from '../src/network/topology.js';
import { capabilityModel } from '../src/placement/coverage.js';
import { coldStartOf } from '../src/placement/latency.js';
import { placementModels } from '../src/placement/problem.js';
import { replicaIndex } from '../src/resilience/replicas.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { SimNetwork } from '../src/sim/network.js';
import { ROOT } from './support/shared-data.js';

const DIR = join(ROOT, 'scenarios');
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/**
 * "Can node N serve model M" asked of each component that decides it, for every pair of every built-in
 * scenario: the router's compiled topology, the simulator's network, the placement advisor's cold start
 * (finite only where the node can serve) and the independence analysis's capable replicas. All must give
 * the answer of the one rule in src/model/capability.ts.
 */
describe('one capability rule: router, simulator, placement and analysis agree on every node/model pair', () => {
  it('covers the five built-in scenarios', () => {
    expect(FILES).toEqual(
      expect.arrayContaining([
        'cold-start-trap.yaml',
        'flash-crowd.yaml',
        'global.yaml',
        'provider-outage.yaml',
        'small.yaml',
      ]),
    );
  });

  // Pairs seen and pairs capable over every scenario: some scenarios (shifting-demand: every node holds
  // any one model) are all-yes, so that agreement is not trivial is checked over them all.
  let pairs = 0;
  let capableAll = 0;

  for (const file of FILES) {
    it(`${file}: topology, simulator, placement and analysis give the rule's answer for every pair`, () => {
      const s = loadScenarioFile(join(DIR, file));
      const { nodes, models } = s;
      const M = models.length;
      const topology = new Topology({ nodes, models, datasets: s.datasets });
      const sim = new SimNetwork(topology);
      const simOwn = SimNetwork.of(nodes, models, s.datasets);
      const placement = placementModels(s).map(capabilityModel);
      const replicas = replicaIndex(nodes, models);
      const analysis = replicas.capable.map((list) => new Set(list));
      const disagree: string[] = [];
      let capable = 0;
      for (let i = 0; i < nodes.length; i++) {
        for (let m = 0; m < M; m++) {
          const rule = canServe(nodes[i]!, models[m]!);
          if (rule) capable++;
          const views = {
            router: topology.canServe(i, m),
            simulator: sim.capable[i * M + m] === 1 && simOwn.capable[i * M + m] === 1,
            placement: Number.isFinite(coldStartOf(nodes[i]!, placement[m]!)),
            analysis: analysis[m]!.has(i),
          };
          for (const [who, says] of Object.entries(views)) {
            if (says !== rule && disagree.length < 10) {
              disagree.push(`${who}: ${nodes[i]!.id} / ${models[m]!.id} → ${says}, rule → ${rule}`);
            }
          }
        }
      }
      expect(disagree).toEqual([]);
      expect(capable).toBeGreaterThan(0);
      pairs += nodes.length * M;
      capableAll += capable;
      // The router's per-model counts and the simulator's capable lists are the same sets.
      for (let m = 0; m < M; m++) {
        expect(topology.capableCount(m)).toBe(sim.capableNodes[m]!.length);
        expect(replicas.capable[m]!.length).toBe(sim.capableNodes[m]!.length);
      }
    });
  }

  it('both answers occur over the scenarios, so agreement is not the trivial all-yes', () => {
    expect(capableAll).toBeGreaterThan(0);
    expect(capableAll).toBeLessThan(pairs);
  });
});
