import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../src/scenario/load.js';
import { placesOf } from '../src/sim/report/map.js';
import { writeReport } from '../src/sim/report/write.js';
import { buildResults } from '../src/sim/results.js';
import { routingRouterFactory } from '../src/sim/route-adapter.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { tempDir } from './server-kit.js';
import { ROOT } from './support/shared-data.js';

/** The cold-start trap for 60 s with nearest and meridian, written as the CLI writes it. */
const policies = ['nearest', 'meridian'];
const input = simInputFromScenario(loadScenarioFile(join(ROOT, 'scenarios', 'cold-start-trap.yaml')), {
  durationS: 60,
  policies,
});
const results = buildResults(runSimulation(input, routingRouterFactory, {}, policies));
const tmp = tempDir('report-map');
let html: string;
try {
  writeReport(tmp.dir, results, placesOf(input));
  html = readFileSync(join(tmp.dir, 'report.html'), 'utf8');
} finally {
  tmp.remove();
}

const section = (marker: string) => {
  const at = html.indexOf(marker);
  return html.slice(at, html.indexOf('</figure>', at));
};

describe('the maps of report.html', () => {
  it('shows the scenario map with one mark per node, each carrying its data-node-id', () => {
    const map = section('data-testid="nodes-map"');
    const ids = [...map.matchAll(/<circle class="node" data-node-id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBe(input.nodes.length);
    expect(ids.sort()).toEqual(input.nodes.map((n) => n.id).sort());
  });

  it('draws one map per policy (2) with every node and every client metro, the worst region in red', () => {
    for (const name of policies) {
      const map = section(`data-policy="${name}"`);
      expect([...map.matchAll(/<circle class="node"/g)].length).toBe(input.nodes.length);
      expect([...map.matchAll(/<rect class="metro"/g)].length).toBe(input.metros.length);
    }
    const worst = Object.values(results.policies)
      .flatMap((p) => Object.values(p.by_region).map((g) => g.p95))
      .filter((v): v is number => v !== null);
    expect(worst.length).toBeGreaterThan(0);
    expect(html).toContain('fill="hsl(0,70%,45%)"');
    expect(html).toContain(`to ${Math.round(Math.max(...worst))} ms (red)`);
  });

  it('stays one offline file: no script, nothing fetched, land drawn once, under 400 KB', () => {
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html.split('id="report-land"').length - 1).toBe(1);
    expect(Buffer.byteLength(html)).toBeLessThan(400_000);
  });
});
