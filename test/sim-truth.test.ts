import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../src/scenario/load.js';
import { buildResults } from '../src/sim/results.js';
import { routingRouterFactory } from '../src/sim/route-adapter.js';
import type { RouterFactory, SimOutcome } from '../src/sim/router-port.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { frankfurtScenarioYaml } from './sim-support.js';

/** One idle h100 node in Frankfurt, clients in Frankfurt, 0.5 req/s for 120 s; `truth` as given. */
function text(truth: string): string {
  return frankfurtScenarioYaml({
    seed: 3,
    durationS: 120,
    head: truth,
    nodes: [{ id: 'solo', metro: 'frankfurt', provider: 'aws' }],
    rps: 0.5,
    input: 1000,
    output: 100,
  });
}

function run(truth: string, policies = ['meridian']) {
  const input = simInputFromScenario(loadScenarioText(text(truth), 't.yaml', '.'), {});
  return buildResults(runSimulation(input, routingRouterFactory, {}, policies));
}

describe('hidden truth in the simulator', () => {
  it('without a truth section the catalog is the truth: prediction error median under 5% on an idle node', () => {
    const r = run('');
    const m = r.policies.meridian!;
    expect(m.served).toBeGreaterThan(30);
    expect(m.prediction_error.median!).toBeLessThan(0.05);
    expect(r.truth.stragglerEpisodes).toEqual([]);
    expect(r.truth.rtt.source).toBe('distance-model');
  });

  it('a 2× straggler for the whole run doubles the true service (1.1 s → 2.2 s): error ≈ 50% without learning, under 10% with it, and the lower bound knows it', () => {
    const base = run('');
    const slow = run('truth: { episodes: [{ node: solo, atS: 0, durationS: 1000, factor: 2 }] }', [
      'meridian',
      'meridian-static',
    ]);
    const m = slow.policies['meridian-static']!;
    // Estimate ≈ 1.1 s + RTT, realized ≈ 2.2 s + RTT: |1.1 − 2.2| / 2.2 ≈ 0.5.
    expect(m.prediction_error.median!).toBeGreaterThan(0.4);
    expect(m.prediction_error.median!).toBeLessThan(0.55);
    expect(m.prediction_error_late.median!).toBeGreaterThan(0.4);
    // meridian learns the node's speed from the completions it observes.
    expect(slow.policies.meridian!.prediction_error_late.median!).toBeLessThan(0.1);
    const ratio = slow.oracle.e2e_ms.p50! / base.oracle.e2e_ms.p50!;
    expect(ratio).toBeGreaterThan(1.9);
    expect(ratio).toBeLessThan(2.05);
    expect(slow.truth.stragglerEpisodes).toEqual([{ node: 'solo', atS: 0, durationS: 1000, factor: 2 }]);
  });

  it('utilization is the busy fraction of slots: 0.5 req/s × ~1.1 s ÷ 8 slots ≈ 7%', () => {
    const u = run('').policies.meridian!.utilization;
    expect(u).toBeGreaterThan(0.04);
    expect(u).toBeLessThan(0.1);
  });

  it('an episode naming an unknown node is an input error at truth.episodes[0].node, with the line', () => {
    expect(() => run('truth: { episodes: [{ node: nobody, atS: 0, durationS: 10, factor: 2 }] }')).toThrow(
      /t\.yaml:5: truth\.episodes\[0\]\.node: no node has this id/,
    );
  });

  it('tells a learning router each completion: under a 2× straggler the observed decode is 2× the catalog per token', () => {
    const seen: SimOutcome[] = [];
    const factory: RouterFactory = (ctx) => {
      const inner = routingRouterFactory(ctx);
      return { ...inner, observe: (o) => seen.push(o) };
    };
    const truth = 'truth: { episodes: [{ node: solo, atS: 0, durationS: 1000, factor: 2 }] }';
    const input = simInputFromScenario(loadScenarioText(text(truth), 't.yaml', '.'), {});
    runSimulation(input, factory, {}, ['meridian']);
    expect(seen.length).toBeGreaterThan(30);
    for (const o of seen) {
      const perToken = (o.doneMs - o.firstByteMs) / (o.outputTokens - 1);
      // decode is 100 tokens; the first byte comes after prefill, so 100 tokens span 99 gaps.
      expect(perToken / o.expected.decodeMsPerToken).toBeGreaterThan(1.95);
      expect(perToken / o.expected.decodeMsPerToken).toBeLessThan(2.1);
      expect(o.expected.prefillMs).toBeCloseTo(100, 6);
      expect(o.rttMs).toBe(o.expected.rttMs);
      expect(o.clientMetro).toBe(0);
    }
  });
});
