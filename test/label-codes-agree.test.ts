import { describe, expect, it } from 'vitest';
import { NO_LABEL } from '../src/model/label-codes.js';
import { Model } from '../src/model/model.js';
import { Node } from '../src/model/node.js';
import { buildLabelIndex, sharesAny } from '../src/network/labels.js';
import { encodeDimension } from '../src/resilience/encode.js';
import { fallbackIndependence } from '../src/sim/independence.js';
import { SimNetwork } from '../src/sim/network.js';

/** Nodes a (operator x), b (no operator), c (operator x), d (no operator). */
function nodes(): Node[] {
  const out = ['a', 'b', 'c', 'd'].map((id) =>
    Node.parse({
      id,
      roles: ['inference'],
      location: { lat: 50, lon: 8, metro: 'frankfurt' },
      labels: { provider: 'p', asn: '1', datacenter: 'd', operator: 'x', country: 'DE' },
      hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
    }),
  );
  // The schema requires an operator; a node assembled in code may still lack one.
  for (const i of [1, 3]) delete (out[i]!.labels as Record<string, unknown>).operator;
  return out;
}

describe('one rule for a missing label, everywhere labels are coded', () => {
  const ns = nodes();
  const expected = [0, NO_LABEL, 0, NO_LABEL];

  it('router topology, simulator network and analysis code operators x, -, x, - as 0, -1, 0, -1', () => {
    const index = buildLabelIndex(ns.map((n) => n.labels));
    expect([...index.codes[index.dimIndex.get('operator')!]!]).toEqual(expected);
    const model = Model.parse({
      id: 'm',
      kind: 'llm',
      weightsGb: 10,
      performance: { h100: { prefillMsPer1k: 100, decodeMsPerToken: 10, decodeSlope: 0.5 } },
    });
    const sim = SimNetwork.of(ns, [model], []);
    expect([...sim.operator.codes]).toEqual(expected);
    expect(sim.operator.values).toEqual(['x']);
    expect([...encodeDimension(ns, 'operator').codes]).toEqual(expected);
  });

  it('two nodes without an operator (b, d) share no operator in the router and the simulator', () => {
    const index = buildLabelIndex(ns.map((n) => n.labels));
    const operator = Int32Array.of(index.dimIndex.get('operator')!);
    expect(sharesAny(index, operator, 1, 1, 3)).toBe(false);
    expect(sharesAny(index, operator, 1, 0, 2)).toBe(true);
    const codes = [encodeDimension(ns, 'operator').codes];
    // Primary b with fallback d: independent; primary a with fallback c: dependent.
    expect(fallbackIndependence(codes, Int32Array.of(1, 3), 0, 2)).toBe(2);
    expect(fallbackIndependence(codes, Int32Array.of(0, 2), 0, 2)).toBe(0);
  });
});
