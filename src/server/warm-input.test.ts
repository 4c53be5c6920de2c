import { describe, expect, it } from 'vitest';
import { testNode } from '../../test/support/test-nodes.js';
import { BUILTIN_MODELS, builtinModel } from '../model/catalog/models.js';
import { Topology } from '../network/topology.js';
import { planWarmSets } from '../warmset/controller.js';
import { type LiveNode, warmSetInput } from './warm-input.js';

const LLAMA = 'llama-3.1-8b-instruct';
const QWEN = 'qwen2.5-7b-instruct';
const llama = builtinModel(LLAMA)!;

/** a: warm llama; b: llama on disk at 2 GB/s; c: a hosted API serving llama; d: reports nothing. */
function world() {
  const topology = new Topology({
    nodes: [
      testNode('a', { provider: 'aws' }),
      testNode('b', { provider: 'gcp' }, { storage: { localDiskGBps: 2, hostRamGBps: 20 } }),
      testNode(
        'c',
        { provider: 'acme' },
        {
          hardware: { accelerator: 'api', count: 0, memoryGb: 0 },
          models: [{ model: LLAMA, tier: 'gpu' }],
        },
      ),
      testNode('d', { provider: 'ovh' }),
    ],
    models: BUILTIN_MODELS,
  });
  const nodes: LiveNode[] = [
    { id: 'a', slots: 8, domain: 'aws', models: [{ id: LLAMA, state: 'warm' }] },
    {
      id: 'b',
      slots: 4,
      domain: 'gcp',
      models: [
        { id: LLAMA, state: 'localDisk' },
        { id: QWEN, state: 'hostRam' },
      ],
    },
    { id: 'c', slots: 32, domain: 'acme', models: [{ id: LLAMA, state: 'warm' }] },
    { id: 'd', slots: 8, domain: 'ovh', models: [] },
  ];
  return { topology, nodes };
}

const base = {
  demand: new Map([[LLAMA, { rps: 2, tokensPerRequest: 300 }]]),
  outputTokens: 256,
  horizonMs: 60_000,
  maxResident: 3,
};

describe('warmSetInput: the planner input from the live registry', () => {
  it('prices loads from the tier each node reports: 16.06 GB at 3 GB/s from disk on a, at 2 GB/s on b; nothing on the API node or where unreported', () => {
    const { topology, nodes } = world();
    const input = warmSetInput({ ...base, topology, nodes, expected: () => undefined });
    expect(input.models).toEqual([{ id: LLAMA, footprintGb: llama.weightsGb * 1.2, rps: 2 }]);
    const byId = new Map(input.nodes.map((n) => [n.id, n]));
    expect(byId.get('a')!.loadMs[0]).toBeCloseTo((llama.weightsGb / 3) * 1000, 6);
    expect(byId.get('b')!.loadMs[0]).toBeCloseTo((llama.weightsGb / 2) * 1000, 6);
    expect(byId.get('c')!.loadMs[0]).toBeUndefined();
    expect(byId.get('d')!.loadMs[0]).toBeUndefined();
    expect(input.nodes.map((n) => [n.id, n.warm, n.slots, n.domain, n.maxResident])).toEqual([
      ['a', [0], 8, 'aws', 3],
      ['b', [], 4, 'gcp', 3],
      ['c', [0], 32, 'acme', 3],
      ['d', [], 8, 'ovh', 3],
    ]);
    expect(byId.get('a')!.memoryGb).toBe(80);
  });

  it('takes the service time from the catalog: 44 prompt tokens and 256 output tokens on an H100', () => {
    const { topology, nodes } = world();
    const input = warmSetInput({ ...base, topology, nodes, expected: () => undefined });
    const perf = llama.performance.h100!;
    const expected = (44 / 1000) * perf.prefillMsPer1k + 256 * perf.decodeMsPerToken;
    expect(input.nodes[0]!.serviceMs[0]).toBeCloseTo(
      expected * topology.timeFactor(topology.models.index.get(LLAMA)!, 0),
      6,
    );
  });

  it('sees open commands: a load sent to b counts as warm there, an unload sent to a as gone', () => {
    const { topology, nodes } = world();
    const expected = (node: string) => (node === 'b' ? true : node === 'a' ? false : undefined);
    const input = warmSetInput({ ...base, topology, nodes, expected });
    expect(input.nodes.map((n) => [n.id, n.warm])).toEqual([
      ['a', []],
      ['b', [0]],
      ['c', [0]],
      ['d', []],
    ]);
  });

  it('does not offer a load the controller made lately that is gone again (b), but keeps pricing one that stands (a)', () => {
    const { topology, nodes } = world();
    const lately = (node: string) => node === 'a' || node === 'b';
    const input = warmSetInput({ ...base, topology, nodes, expected: () => undefined, loadedLately: lately });
    const byId = new Map(input.nodes.map((n) => [n.id, n]));
    expect(byId.get('a')!.loadMs[0]).toBeCloseTo((llama.weightsGb / 3) * 1000, 6);
    expect(byId.get('b')!.loadMs[0]).toBeUndefined();
  });

  it('passes on what the gateway had each node serve lately (a: 0.5 req/s of llama), so evicting it charges those requests a reload; without the source, nothing', () => {
    const { topology, nodes } = world();
    const servedRps = (node: string, model: string) => (node === 'a' && model === LLAMA ? 0.5 : 0);
    const input = warmSetInput({ ...base, topology, nodes, expected: () => undefined, servedRps });
    expect(input.nodes.map((n) => [n.id, n.servedRps])).toEqual([
      ['a', [0.5]],
      ['b', [0]],
      ['c', [0]],
      ['d', [0]],
    ]);
    expect(
      warmSetInput({ ...base, topology, nodes, expected: () => undefined }).nodes[0]!.servedRps,
    ).toBeUndefined();
  });

  it('lists a model nobody asks for while it is warm somewhere (at 0 req/s, to be unloaded), and none without demand or residents', () => {
    const { topology, nodes } = world();
    nodes[1] = { ...nodes[1]!, models: [{ id: QWEN, state: 'warm' }] };
    const input = warmSetInput({ ...base, topology, nodes, demand: new Map(), expected: () => undefined });
    expect(input.models.map((m) => [m.id, m.rps])).toEqual([
      [LLAMA, 0],
      [QWEN, 0],
    ]);
    expect(
      warmSetInput({ ...base, topology, nodes: [], demand: new Map(), expected: () => undefined }).models,
    ).toEqual([]);
  });
});

describe('warmSetInput with places: where the demand comes from', () => {
  const TOKYO = { location: { lat: 35.68, lon: 139.69, metro: 'tokyo' } };
  /** f1, f2 in Frankfurt, t1 in Tokyo; llama warm on f1 only, on local disk on f2 and t1 (3 GB/s). */
  function twoMetros() {
    const topology = new Topology({
      nodes: [
        testNode('f1', { provider: 'aws' }),
        testNode('f2', { provider: 'gcp' }),
        testNode('t1', { provider: 'ovh' }, TOKYO),
      ],
      models: BUILTIN_MODELS,
    });
    const disk = [{ id: LLAMA, state: 'localDisk' as const }];
    const nodes: LiveNode[] = [
      { id: 'f1', slots: 4, domain: 'aws', models: [{ id: LLAMA, state: 'warm' }] },
      { id: 'f2', slots: 4, domain: 'gcp', models: disk },
      { id: 't1', slots: 4, domain: 'ovh', models: disk },
    ];
    const row = (metro: string) => topology.metros.index.get(metro)!;
    const col = (id: string) => topology.nodeMetro[topology.index.get(id)!]!;
    // Round trips: 2 ms within a metro, 230 ms between Tokyo and Frankfurt.
    const rttMs = (r: number, c: number) => ((r === row('tokyo')) === (c === col('t1')) ? 2 : 230);
    return { topology, nodes, rttMs };
  }

  it('splits each model over its places (sorted, 0 where a place has none), gives each node its round trips (0 from a place the topology does not know), one array per metro', () => {
    const { topology, nodes, rttMs } = twoMetros();
    const places = {
      rps: new Map([
        [
          LLAMA,
          new Map([
            ['tokyo', 1.5],
            ['unknown', 0.1],
            ['frankfurt', 0.4],
          ]),
        ],
      ]),
      rttMs,
      reachMs: 100,
    };
    const input = warmSetInput({ ...base, topology, nodes, expected: () => undefined, places });
    expect(input.regions).toEqual(['frankfurt', 'tokyo', 'unknown']);
    expect(input.reachMs).toBe(100);
    expect(input.models[0]!.regionRps).toEqual([0.4, 1.5, 0.1]);
    const [f1, f2, t1] = input.nodes;
    expect(f1!.rttMs).toEqual([2, 230, 0]);
    expect(t1!.rttMs).toEqual([230, 2, 0]);
    expect(f2!.rttMs).toBe(f1!.rttMs);
  });

  it("loads the second replica where the demand is: all of llama's 2 req/s from Tokyo, warm only in Frankfurt → Tokyo with places, Frankfurt without", () => {
    const { topology, nodes, rttMs } = twoMetros();
    const from = (metro: string) => ({ rps: new Map([[LLAMA, new Map([[metro, 2]])]]), rttMs, reachMs: 100 });
    const loads = (input: ReturnType<typeof warmSetInput>) =>
      planWarmSets(input)
        .filter((a) => a.kind === 'load')
        .map((a) => a.node);
    const blind = loads(warmSetInput({ ...base, topology, nodes, expected: () => undefined }));
    const tokyo = loads(
      warmSetInput({ ...base, topology, nodes, expected: () => undefined, places: from('tokyo') }),
    );
    const frankfurt = loads(
      warmSetInput({ ...base, topology, nodes, expected: () => undefined, places: from('frankfurt') }),
    );
    expect({ blind, tokyo, frankfurt }).toEqual({ blind: ['f2'], tokyo: ['t1'], frankfurt: ['f2'] });
  });
});
