import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../src/scenario/load.js';
import { resultsJson } from '../src/sim/report/write.js';
import { buildResults } from '../src/sim/results.js';
import { routingRouterFactory } from '../src/sim/route-adapter.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { ROOT } from './support/shared-data.js';

function run(file: string, policies: string[], overrides: { durationS?: number; seed?: number } = {}) {
  const scenario = loadScenarioFile(join(ROOT, 'scenarios', file));
  const input = simInputFromScenario(scenario, { ...overrides, policies });
  return buildResults(runSimulation(input, routingRouterFactory, {}, policies));
}

describe('simulator on the built-in scenarios (production route())', () => {
  it('cold-start-trap: meridian beats nearest on p95 end-to-end latency', () => {
    const r = run('cold-start-trap.yaml', ['nearest', 'meridian']);
    const nearest = r.policies.nearest!;
    const meridian = r.policies.meridian!;
    console.log(`cold-start-trap p95: nearest ${nearest.e2e_ms.p95} ms, meridian ${meridian.e2e_ms.p95} ms`);
    expect(nearest.requests).toBe(meridian.requests);
    expect(meridian.e2e_ms.p95!).toBeLessThan(nearest.e2e_ms.p95!);
    expect(nearest.cold_starts).toBeGreaterThan(0);
  });

  it('provider-outage: meridian retries the requests caught by the AWS outage and loses none that had an independent fallback', () => {
    // The outage starts at 600 s; 660 s of arrivals cover requests in flight when it starts and a minute after.
    const r = run('provider-outage.yaml', ['meridian'], { durationS: 660 });
    const m = r.policies.meridian!;
    console.log(`provider-outage (660 s): ${m.requests} requests, ${m.retries} retries, ${m.lost} lost`);
    expect(m.retries).toBeGreaterThan(0);
    expect(m.independence.lost_with_independent_fallback).toBe(0);
    expect(m.lost).toBe(0);
    expect(m.served + m.lost + m.shed + m.failed).toBe(m.requests);
  });

  it('the same seed gives a byte-identical results.json; another seed does not', () => {
    const a = resultsJson(run('small.yaml', ['meridian', 'p2c'], { durationS: 90 }));
    const b = resultsJson(run('small.yaml', ['meridian', 'p2c'], { durationS: 90 }));
    const c = resultsJson(run('small.yaml', ['meridian', 'p2c'], { durationS: 90, seed: 8 }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('every policy sees the same arrivals: equal request counts overall, per region and per model', () => {
    const r = run('small.yaml', ['random', 'nearest', 'meridian'], { durationS: 60 });
    const [first, ...rest] = Object.values(r.policies);
    for (const p of rest) {
      expect(p.requests).toBe(first!.requests);
      expect(Object.fromEntries(Object.entries(p.by_region).map(([k, g]) => [k, g.requests]))).toEqual(
        Object.fromEntries(Object.entries(first!.by_region).map(([k, g]) => [k, g.requests])),
      );
      expect(Object.fromEntries(Object.entries(p.by_model).map(([k, g]) => [k, g.requests]))).toEqual(
        Object.fromEntries(Object.entries(first!.by_model).map(([k, g]) => [k, g.requests])),
      );
    }
  });
});
