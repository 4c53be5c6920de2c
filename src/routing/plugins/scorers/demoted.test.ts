import { describe, expect, it } from 'vitest';
import { estimateParams } from '../../../estimate/params.js';
import { metroById } from '../../../geo/metros.js';
import { Model } from '../../../model/model.js';
import { Node } from '../../../model/node.js';
import { Request } from '../../../model/request.js';
import { NetworkState } from '../../../network/state.js';
import type { Scorer } from '../../contracts.js';
import { compileQuery, RouteQuery } from '../../query.js';
import { defaultRegistry } from '../index.js';

/**
 * Two warm nodes in Frankfurt for a Frankfurt client: n0 (an h100) demoted, n1 (an l40s) trusted. The
 * model's l40s figures are the h100's × `slower`, so n0 is predicted about that much faster.
 */
function world(slower: number) {
  const fra = metroById('frankfurt')!;
  const model = Model.parse({
    id: 'm',
    kind: 'llm',
    weightsGb: 20,
    performance: {
      h100: { prefillMsPer1k: 50, decodeMsPerToken: 10 },
      l40s: { prefillMsPer1k: 50 * slower, decodeMsPerToken: 10 * slower },
    },
  });
  const nodes = ['h100', 'l40s'].map((accelerator, k) =>
    Node.parse({
      id: `n${k}`,
      roles: ['inference'],
      location: { lat: fra.lat, lon: fra.lon, metro: fra.id },
      labels: { provider: `p${k}`, asn: k, datacenter: `d${k}`, operator: `o${k}`, country: 'DE' },
      hardware: { accelerator, count: 1, memoryGb: 80 },
      models: [{ model: 'm', tier: 'gpu' }],
    }),
  );
  const state = NetworkState.fromScenario({ nodes, models: [model], datasets: [] });
  state.setDemoted(0, true);
  const view = state.snapshot(0);
  const q = new RouteQuery(estimateParams());
  const err = compileQuery(
    q,
    Request.parse({
      model: 'm',
      client: { lat: fra.lat, lon: fra.lon, metro: fra.id },
      inputTokens: 1000,
      outputTokens: 200,
    }),
    view,
  );
  if (err) throw new Error(err.message);
  return { view, q };
}

const registry = defaultRegistry();
const make = (type: string, parameters: object) => {
  const def = registry.list('scorer').find((d) => d.type === type)!;
  return def.create(def.params.parse(parameters) as never) as Scorer;
};
// As the meridian profile has them (src/routing/profiles/builtin.ts).
const completion = make('completion-time', { risk: 0.5 });
const penalty = make('demoted', { factor: 0.5, risk: 0.5 });

function costs(slower: number) {
  const { view, q } = world(slower);
  const c = new Float64Array(2);
  const p = new Float64Array(2);
  completion.score(view, q, Int32Array.of(0, 1), 2, c);
  penalty.score(view, q, Int32Array.of(0, 1), 2, p);
  return { completion: Array.from(c), penalty: Array.from(p), total: [c[0]! + p[0]!, c[1]! + p[1]!] };
}

describe('demoted scorer (factor 0.5)', () => {
  it('charges a demoted node half its predicted completion time and a trusted one nothing', () => {
    const r = costs(1.1);
    expect(r.penalty[0]).toBeCloseTo(0.5 * r.completion[0]!, 9);
    expect(r.penalty[1]).toBe(0);
  });

  it('a demoted node predicted about 10% faster loses to a trusted one', () => {
    const r = costs(1.1);
    const ratio = r.completion[0]! / r.completion[1]!;
    expect(ratio).toBeGreaterThan(0.88);
    expect(ratio).toBeLessThan(0.95);
    expect(r.total[0]).toBeGreaterThan(r.total[1]!);
  });

  it('a demoted node predicted about 3× faster still wins', () => {
    const r = costs(3);
    const ratio = r.completion[0]! / r.completion[1]!;
    expect(ratio).toBeGreaterThan(0.3);
    expect(ratio).toBeLessThan(0.4);
    expect(r.total[0]).toBeLessThan(r.total[1]!);
  });

  it('factor 0 turns the penalty off', () => {
    const { view, q } = world(1.1);
    const out = new Float64Array(2).fill(7);
    make('demoted', { factor: 0 }).score(view, q, Int32Array.of(0, 1), 2, out);
    expect(Array.from(out)).toEqual([0, 0]);
  });
});
