import { describe, expect, it } from 'vitest';
import type { GeneratedDemand } from '../src/sim/input.js';
import { DECIDE_ROUTED, DECIDE_SHED, type RouterFactory } from '../src/sim/router-port.js';
import { runSimulation } from '../src/sim/run.js';
import type { ServedRecord } from '../src/sim/simulation.js';
import { FRANKFURT, testInput, testModel, testNode } from './sim-support.js';

/** Three nodes in Frankfurt; the model runs 1,000 output tokens × 1 ms = 1 s. */
const at = { lat: FRANKFURT.lat, lon: FRANKFURT.lon, metro: 'frankfurt' };
const nodes = ['a', 'b', 'c'].map((id) => testNode(id, at, { models: [{ model: 'm', tier: 'gpu' }] }));
const models = [testModel('m', { prefillMsPer1k: 0, decodeMsPerToken: 1 })];
const oneRequest: GeneratedDemand = {
  kind: 'generated',
  totalRps: 0.001, // the first arrival lands well inside a 20-minute run, the second after it
  diurnal: { amplitude: 0, peakLocalHour: 0, startUtcHour: 0 },
  modelWeights: [1],
  arrivals: { process: 'poisson', cv: 1 },
  tokens: { input: { kind: 'fixed', value: 0 }, output: { kind: 'fixed', value: 1000 } },
  bursts: [],
};

/** A router that always answers the same: primary, fallbacks, hedge (node indices), or sheds. */
function scripted(primary: number, fallbacks: number[], hedge = -1, shed = false): RouterFactory {
  return () => ({
    refresh() {},
    observeDown() {},
    decide(_q, _now, out) {
      out.status = shed ? DECIDE_SHED : DECIDE_ROUTED;
      out.count = 0;
      if (shed) return;
      out.nodes[out.count++] = primary;
      for (const f of fallbacks) out.nodes[out.count++] = f;
      out.hedge = hedge;
    },
  });
}

function runOne(router: RouterFactory, failures: Parameters<typeof testInput>[0]['failures'] = []) {
  const served: ServedRecord[] = [];
  const input = testInput({ durationS: 1200, nodes, models, demand: oneRequest, failures: failures ?? [] });
  const out = runSimulation(input, router, { rttJitterSigma: 0, detectMs: 1000 }, undefined, undefined, (r) =>
    served.push({ ...r }),
  );
  return { m: out.policies[0]!.metrics, served };
}

describe('request lifecycle', () => {
  const base = runOne(scripted(0, []));
  const arrival = base.served[0]!.arrivalMs;
  const rtt = base.served[0]!.e2eMs - 1000;

  it('serves one request on its primary: RTT + 1 s of decode', () => {
    expect(base.m.arrived).toBe(1);
    expect(base.served).toHaveLength(1);
    expect(rtt).toBeGreaterThan(8);
    expect(rtt).toBeLessThan(10);
  });

  it('falls back when the primary fails mid-service: detected 1 s after the failure, then a full run on the fallback', () => {
    const failAtS = (arrival + 500) / 1000;
    const { m, served } = runOne(scripted(0, [1]), [
      { kind: 'outage', atS: failAtS, durationS: 100, selector: { id: ['a'] } },
    ]);
    expect(m.retries).toBe(1);
    expect(served).toHaveLength(1);
    expect(served[0]!.node).toBe(1);
    // failure at arrival + 500 ms, detected 1,000 ms later, then one-way + 1 s + one-way on b
    expect(served[0]!.e2eMs).toBeCloseTo(500 + 1000 + rtt + 1000, 6);
  });

  it('loses the request when the primary is down and there is no fallback and the re-route picks it again', () => {
    const { m, served } = runOne(scripted(0, []), [
      { kind: 'outage', atS: 1, durationS: 1199, selector: { id: ['a'] } },
    ]);
    expect(served).toHaveLength(0);
    expect([m.lost, m.retries, m.reroutes]).toEqual([1, 1, 1]);
  });

  it('sends a hedge copy at once: the first copy to finish serves the request, the other still costs work', () => {
    const { m, served } = runOne(scripted(0, [1], 2));
    expect(m.hedges).toBe(1);
    expect(served).toHaveLength(1);
    expect(m.busySlotMs).toBeCloseTo(2000, 6);
  });

  it('counts a refusal by the router as shed', () => {
    const { m, served } = runOne(scripted(0, [], -1, true));
    expect([m.arrived, m.shed, m.lost, served.length]).toEqual([1, 1, 0, 0]);
  });
});
