import { describe, expect, it } from 'vitest';
import { serviceTerm } from '../src/estimate/candidate.js';
import { estimateParams } from '../src/estimate/params.js';
import { metroById } from '../src/geo/metros.js';
import { builtinModel } from '../src/model/catalog/models.js';
import { Node } from '../src/model/node.js';
import { Request } from '../src/model/request.js';
import { NetworkState } from '../src/network/state.js';
import { compileQuery, RouteQuery } from '../src/routing/query.js';

/**
 * A node's own device count counts: the catalog states a model's speed for the class's typical node
 * (8 × H100), and a 4 × H100 node takes 5.832 / 3.24 = 1.8 times as long (tensor-parallel efficiency 0.9
 * per doubling), so 4 × H100 is no longer predicted as fast as 8 × H100.
 */
const model = builtinModel('llama-3.3-70b-instruct')!;

function node(id: string, accelerator: 'h100' | 'h200', count: number): Node {
  const m = metroById('frankfurt')!;
  return Node.parse({
    id,
    roles: ['inference'],
    location: { lat: m.lat, lon: m.lon, metro: 'frankfurt' },
    labels: { provider: id, asn: id, datacenter: id, operator: id, country: 'DE' },
    hardware: { accelerator, count, memoryGb: accelerator === 'h100' ? 80 : 141 },
    models: [{ model: model.id, tier: 'gpu' }],
  });
}

function service(nodes: Node[]): number[] {
  const state = NetworkState.fromScenario({ nodes, models: [model] });
  const view = state.snapshot(0);
  const q = new RouteQuery(estimateParams());
  const req = Request.parse({
    model: model.id,
    client: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
    inputTokens: 1000,
    outputTokens: 200,
  });
  compileQuery(q, req, view);
  return nodes.map((_, i) => serviceTerm(view, q, i));
}

describe('the node device count in the estimate', () => {
  it('4×H100 takes 1.8× the service time of 8×H100 for the catalog 70B model (5.832 / 3.24)', () => {
    const [four, eight] = service([node('four', 'h100', 4), node('eight', 'h100', 8)]);
    expect(four! / eight!).toBeCloseTo(5.832 / 3.24, 9);
  });

  it('8×H200 is faster than 8×H100, and 16×H100 faster than 8×H100', () => {
    const [h200, h100, sixteen] = service([
      node('h200', 'h200', 8),
      node('h100', 'h100', 8),
      node('sixteen', 'h100', 16),
    ]);
    expect(h200!).toBeLessThan(h100!);
    expect(sixteen!).toBeLessThan(h100!);
  });
});
