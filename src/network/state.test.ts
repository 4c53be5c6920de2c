import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { metroById } from '../geo/metros.js';
import { Model } from '../model/model.js';
import { Node, type NodeInput } from '../model/node.js';
import { TIER_GPU, TIER_HOST_RAM, TIER_REMOTE } from './dynamics.js';
import { NetworkState } from './state.js';
import { telemetryAgeMs, warmCount } from './view.js';

const model = (id: string, weightsGb: number) =>
  Model.parse({
    id,
    kind: 'llm',
    weightsGb,
    performance: {
      h100: { prefillMsPer1k: 1, decodeMsPerToken: 1 },
      api: { prefillMsPer1k: 1, decodeMsPerToken: 1 },
    },
  });
const MODELS = [model('small', 10), model('big', 130), model('huge', 700)];

function node(id: string, metro: string, extra: Partial<NodeInput> = {}): Node {
  const m = metroById(metro)!;
  return Node.parse({
    id,
    roles: ['inference'],
    location: { lat: m.lat, lon: m.lon, metro },
    labels: { provider: 'p', asn: 1, datacenter: 'd', operator: 'o', country: m.country },
    hardware: { accelerator: 'h100', count: 2, memoryGb: 80 },
    ...extra,
  });
}

function state() {
  return NetworkState.fromScenario({
    nodes: [
      node('a', 'frankfurt', { models: [{ model: 'small', tier: 'gpu' }] }),
      node('b', 'amsterdam', { models: [{ model: 'big', tier: 'hostRam' }] }),
      node('proxy', 'paris', {
        hardware: { accelerator: 'api', count: 0, memoryGb: 0 },
        models: [{ model: 'huge', tier: 'remote' }],
      }),
    ],
    models: MODELS,
  });
}

describe('NetworkState', () => {
  it('indexes as capable only the nodes whose memory holds the weights plus 20% (and proxies only for what they list)', () => {
    const t = state().topology;
    // 2 × 80 = 160 GB holds small (10 × 1.2 = 12) and big (130 × 1.2 = 156) but not huge (700); the proxy
    // serves only huge, which it lists.
    expect([0, 1, 2].map((m) => t.capableCount(m))).toEqual([2, 2, 1]);
    expect(t.canServe(2, 2)).toBe(true);
    expect(t.canServe(2, 0)).toBe(false);
  });

  it('takes holdings from the node list: resident models count as used memory and are warm', () => {
    const s = state();
    const view = s.snapshot(0);
    expect(view.dyn.tier[0 * 3 + 0]).toBe(TIER_GPU);
    expect(view.dyn.tier[1 * 3 + 1]).toBe(TIER_HOST_RAM);
    expect(view.dyn.tier[0 * 3 + 1]).toBe(TIER_REMOTE);
    expect(Array.from(view.dyn.usedGb)).toEqual([10, 0, 0]);
    expect([warmCount(view, 0), warmCount(view, 1), warmCount(view, 2)]).toEqual([1, 0, 1]);
  });

  it('applies a report: resident and host-RAM lists replace the old ones, loading joins the warm index', () => {
    const s = state();
    s.report('a', { running: 3, queued: 1, resident: ['big'], hostRam: ['small'], loading: null }, 500);
    s.report('b', { healthy: false, loading: { model: 'small', remainingMs: 4000 } }, 600);
    const view = s.snapshot(1000);
    expect(view.dyn.tier[0]).toBe(TIER_HOST_RAM); // small moved from GPU to host RAM
    expect(view.dyn.tier[1]).toBe(TIER_GPU); // big is now resident
    expect(view.dyn.usedGb[0]).toBe(130);
    expect([view.dyn.running[0], view.dyn.queued[0], view.dyn.reportedAtMs[0]]).toEqual([3, 1, 500]);
    expect(view.dyn.healthy[1]).toBe(0);
    expect([view.dyn.loadingModel[1], view.dyn.loadingRemainingMs[1]]).toEqual([0, 4000]);
    // small: b is loading it; big: a has it resident.
    expect([warmCount(view, 0), warmCount(view, 1)]).toEqual([1, 1]);
  });

  it('gives snapshots that later telemetry does not change until refreshed', () => {
    const s = state();
    const view = s.snapshot(0);
    s.setLoad(0, 7, 2, 100);
    s.setTier(1, 1, 'gpu');
    expect(view.dyn.running[0]).toBe(0);
    expect(warmCount(view, 1)).toBe(0);
    view.sent[0] = 5;
    s.refresh(view, 200);
    expect([view.dyn.running[0], view.nowMs, view.sent[0]]).toEqual([7, 200, 0]);
    expect(warmCount(view, 1)).toBe(1);
    expect(view.dyn.tier[1 * 3 + 1]).toBe(TIER_GPU);
  });

  it('advances a view to 1,500 ms without new telemetry: a report made at 900 ms is then 600 ms old', () => {
    const s = state();
    s.setLoad(0, 1, 0, 900);
    const view = s.snapshot(1000);
    expect(telemetryAgeMs(view, 0)).toBe(100);
    s.setLoad(0, 5, 0, 1400);
    s.advance(view, 1500);
    expect([view.nowMs, telemetryAgeMs(view, 0), view.dyn.running[0]]).toEqual([1500, 600, 1]);
  });

  it('marks node 1 down in the view and the state at once, until a report says it is healthy again', () => {
    const s = state();
    const view = s.snapshot(0);
    s.markDown(view, 1);
    expect([view.dyn.healthy[0], view.dyn.healthy[1]]).toEqual([1, 0]);
    expect(s.snapshot(0).dyn.healthy[1]).toBe(0);
    s.report(1, { healthy: true }, 50);
    s.refresh(view, 100);
    expect(view.dyn.healthy[1]).toBe(1);
  });

  it('overwrites metro RTTs with measured values in both directions and marks them', () => {
    const s = state();
    s.setMetroRtt('frankfurt', 'amsterdam', 9.5);
    const view = s.snapshot(0);
    const mt = s.topology.metros;
    const fra = mt.index.get('frankfurt')!;
    const ams = mt.index.get('amsterdam')!;
    expect(view.dyn.metroRtt[fra * mt.nodeMetroCount + ams]).toBe(9.5);
    expect(view.dyn.metroRtt[ams * mt.nodeMetroCount + fra]).toBe(9.5);
    expect(view.dyn.metroRttMeasured[fra * mt.nodeMetroCount + ams]).toBe(1);
  });

  it('takes learned coordinates for every metro pair they cover', () => {
    const s = state();
    s.useCoordinates(
      { size: 2, predictMs: (a, b) => (a === b ? 1 : 42) },
      new Map([
        ['frankfurt', 0],
        ['paris', 1],
      ]),
    );
    const view = s.snapshot(0);
    const mt = s.topology.metros;
    const fra = mt.index.get('frankfurt')!;
    const par = mt.index.get('paris')!;
    expect(view.dyn.metroRtt[fra * mt.nodeMetroCount + par]).toBe(42);
    expect(view.dyn.metroRtt[fra * mt.nodeMetroCount + fra]).toBe(1);
  });

  it('orders node metros by RTT from every catalog metro, client-only metros included', () => {
    const mt = state().topology.metros;
    const london = mt.index.get('london')!;
    expect(london).toBeGreaterThanOrEqual(mt.nodeMetroCount);
    const order = Array.from(mt.order.subarray(london * mt.nodeMetroCount, (london + 1) * mt.nodeMetroCount));
    expect(order.map((k) => mt.ids[k])).toEqual(['paris', 'amsterdam', 'frankfurt']);
  });

  it('rejects duplicate node ids and datasets held by unknown nodes, naming the path', () => {
    expect(() =>
      NetworkState.fromScenario({ nodes: [node('a', 'paris'), node('a', 'paris')], models: MODELS }),
    ).toThrow('network: nodes[1].id: duplicate node id (got "a")');
    expect(() =>
      NetworkState.fromScenario({
        nodes: [node('a', 'paris')],
        models: MODELS,
        datasets: [{ id: 'd', sizeGb: 1, heldBy: ['a', 'zz'] }],
      }),
    ).toThrow(InputError);
  });

  it('handles an empty network', () => {
    const s = NetworkState.fromScenario({ nodes: [], models: [] });
    const view = s.snapshot(0);
    expect(view.topology.n).toBe(0);
    expect(view.warm.items.length).toBeGreaterThanOrEqual(0);
  });
});
