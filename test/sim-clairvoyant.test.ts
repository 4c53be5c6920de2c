import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyResolver } from '../src/routing/resolver.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { buildResults, type PolicyResult } from '../src/sim/results.js';
import { routerFactoryFor } from '../src/sim/route-adapter.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';

/**
 * The clairvoyant reference of examples/clairvoyant.yaml (meridian told the hidden truth: true speeds and
 * stragglers with every snapshot, true round trips) beside meridian and meridian-static on
 * heterogeneous.yaml, seed 1: how much of meridian's distance to the lower bound is what it does not know.
 */
const PROFILES = join(ROOT, 'examples', 'clairvoyant.yaml');

describe('the clairvoyant reference on heterogeneous.yaml, seed 1', () => {
  let told: PolicyResult;
  let learned: PolicyResult;
  let catalog: PolicyResult;
  beforeAll(() => {
    const scenario = loadScenarioFile(join(ROOT, 'scenarios', 'heterogeneous.yaml'));
    const input = simInputFromScenario(scenario, {
      seed: 1,
      policies: ['clairvoyant', 'meridian', 'meridian-static'],
    });
    const results = buildResults(runSimulation(input, routerFactoryFor(PolicyResolver.load(PROFILES))));
    told = results.policies.clairvoyant!;
    learned = results.policies.meridian!;
    catalog = results.policies['meridian-static']!;
  }, 60_000);

  it('predicts the typical request exactly (median error < 0.01: it knows the speeds; queues are what it misses)', () => {
    expect(told.prediction_error.median!).toBeLessThan(0.01);
    expect(told.prediction_error.median!).toBeLessThan(learned.prediction_error.median!);
    expect(learned.prediction_error.median!).toBeLessThan(catalog.prediction_error.median!);
  });

  it('leaves meridian within 5 % of it at p95, and meridian-static over 15 % slower', () => {
    expect(learned.e2e_ms.p95!).toBeLessThan(1.05 * told.e2e_ms.p95!);
    expect(catalog.e2e_ms.p95!).toBeGreaterThan(1.15 * told.e2e_ms.p95!);
  });

  it('carries the same spot checks as meridian (the same trust monitor, as load)', () => {
    expect(told.verification.jobs).toBeGreaterThan(0.9 * learned.verification.jobs);
  });

  it('stays above 1.5 × the no-queue lower bound at p95 itself: the rest is capacity, not knowledge', () => {
    expect(told.ratio_to_oracle.p95!).toBeGreaterThan(1.5);
  });
});

describe('a clairvoyant profile outside the simulator', () => {
  it('is refused by meridian route (exit 2, naming estimate.truth)', async () => {
    const r = await meridian(
      'route',
      '--scenario',
      join(ROOT, 'scenarios', 'small.yaml'),
      '--request',
      '{"model":"llama-3.1-8b-instruct","client":{"lat":50,"lon":8},"inputTokens":100,"outputTokens":10}',
      '--profiles',
      PROFILES,
      '--policy',
      'clairvoyant',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('profile "clairvoyant" sets estimate.truth');
  });
});
