import { describe, expect, it } from 'vitest';
import { greatCircleKm } from '../src/geo/distance.js';
import { metroById } from '../src/geo/metros.js';
import { RTT_MODEL } from '../src/geo/rtt-model.js';
import { NetworkState } from '../src/network/state.js';
import type { RouteOk } from '../src/routing/decision.js';
import { loadProfiles, policyByName } from '../src/routing/profiles.js';
import { route } from '../src/routing/route.js';
import { Rng } from '../src/util/rng.js';
import { model, type NodeSpec, node, request } from './route-support.js';

const VERIFY_DIMS = ['provider', 'operator', 'asn', 'country'] as const;

const ZK = model({
  id: 'zk-small',
  kind: 'onnx',
  weightsGb: 0.5,
  performance: { h100: { prefillMsPer1k: 1, decodeMsPerToken: 1 } },
  verification: [
    { mode: 'vanilla', costFactor: 1, verifyMs: 0 },
    { mode: 'tee', costFactor: 1.1, verifyMs: 5 },
    { mode: 'zkml', costFactor: 20, verifyMs: 50 },
  ],
});

const EXECUTOR: NodeSpec = {
  id: 'exe',
  metro: 'frankfurt',
  provider: 'aws',
  operator: 'op-e',
  asn: 16509,
  verification: ['vanilla', 'tee', 'zkml'],
  models: [{ model: 'zk-small', tier: 'gpu' }],
};
const full = (spec: Omit<NodeSpec, 'roles'>): NodeSpec => ({ ...spec, roles: ['full'] });

function rtt(a: string, b: string): number {
  return (
    ((2 * greatCircleKm(metroById(a)!, metroById(b)!)) / RTT_MODEL.fibreKmPerMs) * RTT_MODEL.inflation +
    RTT_MODEL.accessMs
  );
}

const verifierRelaxations = (d: RouteOk) => d.relaxations.filter((r) => r.slot.startsWith('verifier'));

function decide(specs: NodeSpec[], verification: 'tee' | 'zkml', setup?: (s: NetworkState) => void): RouteOk {
  const state = NetworkState.fromScenario({ nodes: specs.map(node), models: [ZK] });
  setup?.(state);
  const req = request('frankfurt', { model: 'zk-small', verification, inputTokens: 10, outputTokens: 1 });
  const d = route(req, state.snapshot(0), policyByName('meridian'), new Rng(5), { explain: true });
  if (!d.ok) throw new Error(d.error.message);
  return d;
}

describe('verification placement', () => {
  const fullNodes = [
    full({ id: 'v-provider', metro: 'frankfurt', provider: 'aws' }),
    full({ id: 'v-country', metro: 'frankfurt', provider: 'hetzner' }),
    full({ id: 'v-operator', metro: 'amsterdam', provider: 'ovh', operator: 'op-e' }),
    full({ id: 'v-asn', metro: 'amsterdam', provider: 'vultr', asn: 16509 }),
    full({ id: 'v-ams', metro: 'amsterdam', provider: 'equinix' }),
    full({ id: 'v-nyc', metro: 'new-york', provider: 'gcp' }),
  ];

  it('chooses the nearest full node that shares no provider, operator, ASN or country with the executor', () => {
    const d = decide([EXECUTOR, ...fullNodes], 'tee');
    expect(d.primary).toBe('exe');
    expect(d.verifiers).toEqual(['v-ams']);
    expect(verifierRelaxations(d)).toEqual([]);
    // Attestation check: RTT Frankfurt → Amsterdam + the model's 5 ms TEE check on an idle verifier.
    expect(d.receipt?.verifiers[0]?.latencyMs).toBeCloseTo(rtt('frankfurt', 'amsterdam') + 5, 1);
  });

  it('keeps two verifiers independent of the executor and of each other', () => {
    const state = NetworkState.fromScenario({ nodes: [EXECUTOR, ...fullNodes].map(node), models: [ZK] });
    const policy = loadProfiles(
      `plugins:\n  rtt: { type: rtt }\n  low: { type: min }\nprofiles:\n  two:\n    scorers: [rtt]\n    picker: low\n    verification: { verifiers: 2 }\n`,
      'inline',
    ).get('two')!;
    const req = request('frankfurt', {
      model: 'zk-small',
      verification: 'tee',
      inputTokens: 10,
      outputTokens: 1,
    });
    const d = route(req, state.snapshot(0), policy, new Rng(1));
    expect(d.ok && d.verifiers).toEqual(['v-ams', 'v-nyc']);
  });

  it('charges the zkML proof check and prefers an idle verifier farther away over a busy near one', () => {
    const busy = full({ id: 'v-busy', metro: 'paris', provider: 'scaleway' });
    const d = decide(
      [EXECUTOR, busy, full({ id: 'v-ams', metro: 'amsterdam', provider: 'equinix' })],
      'zkml',
      (s) =>
        // 16 outstanding on 8 slots: the 50 ms check takes 50 × (1 + 2) = 150 ms there.
        s.setLoad(s.nodeIndex('v-busy'), 8, 8, 0),
    );
    expect(d.verifiers).toEqual(['v-ams']);
    expect(d.receipt?.verifiers[0]?.latencyMs).toBeCloseTo(rtt('frankfurt', 'amsterdam') + 50, 1);
  });

  it('drops country first and flags it when only a same-country full node exists', () => {
    const d = decide([EXECUTOR, fullNodes[1]!], 'tee');
    expect(d.verifiers).toEqual(['v-country']);
    expect(verifierRelaxations(d)).toEqual([
      {
        slot: 'verifier 1',
        dropped: ['country'],
        reason:
          'no healthy full node is independent of the executor on every dimension; allowed to share country',
      },
    ]);
  });

  it('places no verifier for a request that needs none', () => {
    const state = NetworkState.fromScenario({ nodes: [EXECUTOR, ...fullNodes].map(node), models: [ZK] });
    const d = route(
      request('frankfurt', { model: 'zk-small' }),
      state.snapshot(0),
      policyByName('meridian'),
      new Rng(1),
    );
    expect(d.ok && d.verifiers).toEqual([]);
  });

  it('adds a re-execution spot check on an inference node independent of the executor at rate 1', () => {
    const nodes = [
      EXECUTOR,
      { ...EXECUTOR, id: 'same-provider', operator: 'op-x', asn: 1 },
      { ...EXECUTOR, id: 'other', provider: 'ovh', operator: 'op-o', asn: 2, metro: 'paris' },
      ...fullNodes,
    ];
    const state = NetworkState.fromScenario({ nodes: nodes.map(node), models: [ZK] });
    const policy = loadProfiles(
      `plugins:\n  rtt: { type: rtt }\n  low: { type: min }\nprofiles:\n  spot:\n    scorers: [rtt]\n    picker: low\n    verification: { spotCheckRate: 1 }\n`,
      'inline',
    ).get('spot')!;
    const req = request('frankfurt', {
      model: 'zk-small',
      verification: 'tee',
      inputTokens: 10,
      outputTokens: 1,
    });
    const d = route(req, state.snapshot(0), policy, new Rng(3));
    expect(d.ok && d.primary).not.toBe('other');
    expect(d.ok && d.spotCheck).toBe('other');
  });

  it('never gives a verifier sharing a dimension with the executor unless the slot is flagged, on 200 random networks', () => {
    const rng = new Rng(17);
    const meridian = policyByName('meridian');
    const metros = ['frankfurt', 'amsterdam', 'paris', 'london', 'new-york'];
    for (let trial = 0; trial < 200; trial++) {
      const specs: NodeSpec[] = Array.from({ length: 4 + rng.int(12) }, (_, k) => ({
        id: `n${k}`,
        metro: metros[rng.int(metros.length)]!,
        provider: `p${rng.int(4)}`,
        operator: `o${rng.int(5)}`,
        asn: rng.int(5),
        roles: k === 0 ? ['inference'] : rng.chance(0.5) ? ['full'] : ['inference', 'full'],
        verification: ['vanilla', 'tee'],
        models: [{ model: 'zk-small', tier: 'gpu' }],
      }));
      const state = NetworkState.fromScenario({ nodes: specs.map(node), models: [ZK] });
      const req = request('frankfurt', { model: 'zk-small', verification: 'tee' });
      const d = route(req, state.snapshot(0), meridian, new Rng(trial));
      if (!d.ok) continue;
      const nodes = state.topology.nodes;
      const exec = nodes[d.primaryIndex]!;
      for (const v of d.verifierIndexes) {
        expect(v).not.toBe(d.primaryIndex);
        const clash = VERIFY_DIMS.some((dim) => nodes[v]!.labels[dim].value === exec.labels[dim].value);
        if (clash) expect(d.relaxations.some((r) => r.slot === 'verifier 1')).toBe(true);
      }
      if (d.relaxations.some((r) => r.slot === 'verifier 1')) {
        // Flagged: then no full node other than the executor is independent of it on all four dimensions.
        const independent = nodes.some(
          (n, i) =>
            i !== d.primaryIndex &&
            n.roles.includes('full') &&
            VERIFY_DIMS.every((dim) => n.labels[dim].value !== exec.labels[dim].value),
        );
        expect(independent).toBe(false);
      }
    }
  });
});
