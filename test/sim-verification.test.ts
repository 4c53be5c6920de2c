import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../src/scenario/load.js';
import { buildResults } from '../src/sim/results.js';
import { routingRouterFactory } from '../src/sim/route-adapter.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';

/**
 * Forty L4 nodes in Europe that all can prove zkML, a third of them full nodes (verifiers), one small
 * vision model that offers zkML (proof check 50 ms), and half the requests asking for a proof.
 */
const WORLD = `
name: verification-test
seed: 3
durationS: 300
stalenessMs: 1000
network:
  generators:
    - idPrefix: v
      count: 40
      providers: { aws: 2, gcp: 2, ovh: 1 }
      metros: demand
      regions: [europe]
      hardware: [{ accelerator: l4, count: 1, weight: 1 }]
      operators: 12
      roles: { full: 0.3 }
      slots: { min: 2, max: 2 }
      verification: { zkml: 1 }
      warm: { k: 1, hostRam: 1, localDisk: 1, pick: weighted }
models:
  catalog: builtin
  include: [mobilenet-v3-large]
demand:
  totalRps: 4
  metros: demand
  regions: [europe]
  verification: { none: 0.5, zkml: 0.5 }
  tokens:
    input: { median: 2, sigma: 0.5, min: 1, max: 8 }
    output: { median: 1, sigma: 0, min: 1, max: 1 }
policies: [meridian]
`;

function run(text: string) {
  const input = simInputFromScenario(loadScenarioText(text, 'verification-test.yaml', '.'), {});
  return buildResults(runSimulation(input, routingRouterFactory, {}, input.policies)).policies.meridian!;
}

const results = (() => {
  let r: ReturnType<typeof run> | undefined;
  return () => {
    r ??= run(WORLD);
    return r;
  };
})();

describe('verification as load in the simulator', () => {
  it('checks every served zkML proof in a job on a full node: one verdict per job, each at least the 50 ms check after the result', () => {
    const p = results();
    const z = p.zkml;
    const jobs = p.verification.by_kind.zkml_check;
    expect(z.requests).toBeGreaterThan(100);
    expect(z.unverified).toBe(0);
    expect(jobs.jobs + jobs.failed).toBe(z.requests);
    expect(z.verdicts.valid + z.verdicts.invalid).toBe(jobs.jobs);
    expect(z.verdicts.invalid).toBe(0); // no liars
    expect(z.check_ms.p50!).toBeGreaterThanOrEqual(50);
    expect(jobs.busy_ms).toBeCloseTo(jobs.jobs * 50, 3);
  });

  it('reports the executor’s proving time as 999/1000 of its service (×1000 for zkML): above 0, below the slowest request', () => {
    const p = results();
    expect(p.zkml.prove_ms.p50!).toBeGreaterThan(0);
    expect(p.zkml.prove_ms.p95!).toBeLessThanOrEqual(p.e2e_ms.p99! * 1.01);
  });

  it('counts spot-check re-executions and proof checks in busy slot time: a share above 0 and below 1', () => {
    const v = results().verification;
    expect(v.jobs).toBe(v.by_kind.spot_check.jobs + v.by_kind.zkml_check.jobs);
    expect(v.by_kind.spot_check.jobs).toBeGreaterThan(0);
    expect(v.share_of_busy!).toBeGreaterThan(0);
    expect(v.share_of_busy!).toBeLessThan(1);
  });

  it('finds a proof of a wrong output invalid: with 4 output liars among the 40 provers, some verdicts are invalid, fewer than the valid ones', () => {
    const p = run(`${WORLD}liars:\n  - { lie: output, count: 4 }\n`);
    expect(p.zkml.verdicts.invalid).toBeGreaterThan(0);
    expect(p.zkml.verdicts.valid).toBeGreaterThan(p.zkml.verdicts.invalid);
  });
});

/**
 * Eight 24 GB A10Gs in eight European metros (no peer to copy weights from) that hold one 7-8B model each:
 * four Llama and four Qwen warm, the other model on local disk (a 16 s load that evicts the warm one),
 * eight operators on four providers, 0.5 requests/s for each model (about 40% of slots busy): a model's
 * four warm nodes are sometimes all busy while the other four have free slots.
 */
function singleModelWorld(): string {
  const node = (id: string, metro: string, provider: string, warm: string, cold: string) =>
    `    - { id: ${id}, location: { metro: ${metro} }, labels: { provider: ${provider}, operator: op-${id} }, hardware: { accelerator: a10g, count: 1 }, slots: 2, storage: { hostRamGb: 0, localDiskGBps: 1 }, models: [{ model: ${warm}, tier: gpu }, { model: ${cold}, tier: localDisk }] }`;
  const L = 'llama-3.1-8b-instruct';
  const Q = 'qwen2.5-7b-instruct';
  return `
name: single-model-verifiers
seed: 5
durationS: 7200
stalenessMs: 1000
network:
  nodes:
${[
  node('l1', 'frankfurt', 'aws', L, Q),
  node('l2', 'paris', 'gcp', L, Q),
  node('l3', 'london', 'azure', L, Q),
  node('l4', 'amsterdam', 'hetzner', L, Q),
  node('q1', 'madrid', 'aws', Q, L),
  node('q2', 'warsaw', 'gcp', Q, L),
  node('q3', 'stockholm', 'azure', Q, L),
  node('q4', 'milan', 'hetzner', Q, L),
].join('\n')}
models:
  catalog: builtin
  include: [${L}, ${Q}]
demand:
  totalRps: 1.0
  metros: { frankfurt: 1, paris: 1, london: 1, amsterdam: 1, madrid: 1, warsaw: 1, stockholm: 1, milan: 1 }
  models: { ${L}: 1, ${Q}: 1 }
  tokens:
    input: { median: 400, sigma: 0.5, min: 1, max: 4000 }
    output: { median: 120, sigma: 0.5, min: 1, max: 600 }
policies: [meridian-reactive]
`;
}

describe('spot checks on nodes that hold one model', () => {
  it('re-execute on a node with the model ready, queueing there, rather than load it on a free node and evict what that node serves: none of 300+ checks reaches a verifier without the model (52 did when a free slot came first), and nothing loads', () => {
    const input = simInputFromScenario(
      loadScenarioText(singleModelWorld(), 'single-model-verifiers.yaml', '.'),
      {},
    );
    const p = buildResults(runSimulation(input, routingRouterFactory, {}, input.policies)).policies[
      'meridian-reactive'
    ]!;
    const checks = p.verification.by_kind.spot_check;
    expect(checks.jobs).toBeGreaterThan(300);
    expect(checks.cold).toBe(0);
    expect(p.cold_starts).toBe(0);
  });
});
