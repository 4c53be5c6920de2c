import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../src/scenario/load.js';
import { type CliOutcome, meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';

const SMALL = join(ROOT, 'scenarios', 'small.yaml');

/** `meridian score-node …` in-process. */
function run(...args: string[]): Promise<CliOutcome> {
  return meridian('score-node', ...args);
}

interface ScoreJson {
  dimensions: Record<string, { value: string; newValue: boolean; hhi: { before: number; after: number } }>;
  independence: number;
  verdict: string;
  node: { warm: string[] };
}

/** ASN counts of the small scenario, computed here from the raw node list. */
function asnCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of loadScenarioFile(SMALL).nodes) {
    const v = n.labels.asn.value;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

/** HHI of counts after one more member joins `value`. */
function hhiWith(counts: ReadonlyMap<string, number>, value: string): number {
  const after = new Map(counts);
  after.set(value, (after.get(value) ?? 0) + 1);
  const total = [...after.values()].reduce((s, c) => s + c, 0);
  return [...after.values()].reduce((s, c) => s + (c / total) ** 2, 0);
}

const node = (asn: string) =>
  JSON.stringify({
    id: 'candidate-1',
    location: { metro: 'frankfurt' },
    labels: { provider: 'ovh', asn },
    hardware: { accelerator: 'h100', count: 8 },
    models: [{ model: 'llama-3.1-8b-instruct', tier: 'gpu' }],
  });

describe('meridian score-node', () => {
  const counts = asnCounts();
  const [dominant, dominantCount] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
  const total = [...counts.values()].reduce((s, c) => s + c, 0);

  it('a node in the already dominant ASN scores worse on independence than the same node in an unused ASN', async () => {
    const inDominant = JSON.parse(
      (await run('--scenario', SMALL, '--node', node(dominant), '--json')).stdout,
    ) as ScoreJson;
    const inUnused = JSON.parse(
      (await run('--scenario', SMALL, '--node', node('64512'), '--json')).stdout,
    ) as ScoreJson;
    expect(inDominant.dimensions.asn!.hhi.after).toBeCloseTo(hhiWith(counts, dominant), 12);
    expect(inUnused.dimensions.asn!.hhi.after).toBeCloseTo(hhiWith(counts, '64512'), 12);
    expect(inDominant.dimensions.asn!.hhi.after).toBeGreaterThan(inUnused.dimensions.asn!.hhi.after);
    expect(inDominant.independence).toBeLessThan(inUnused.independence);
    expect(inUnused.dimensions.asn!.newValue).toBe(true);
    expect(inUnused.verdict).toContain('adds a new ASN (64512)');
    const before = ((100 * dominantCount) / total).toFixed(1);
    expect(inDominant.verdict).toContain(`increases dependence on ASN ${dominant} from ${before}%`);
    expect(inDominant.verdict).toContain('adds no new ASN');
    expect(inUnused.verdict).toContain(`reduces dependence on ASN ${dominant} from ${before}%`);
  });

  it('prints a text report with the verdict and a row per dimension', async () => {
    const r = await run('--scenario', SMALL, '--node', node('64512'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('verdict: ');
    expect(r.stdout).toMatch(/^asn +64512 \(new\)/m);
  });

  it('chooses warm models for a node that lists none', async () => {
    const bare = JSON.stringify({
      id: 'n',
      location: { metro: 'warsaw' },
      labels: { provider: 'ovh' },
      hardware: { accelerator: 'h100', count: 8 },
    });
    const j = JSON.parse((await run('--scenario', SMALL, '--node', bare, '--json')).stdout) as ScoreJson;
    expect(Array.isArray(j.node.warm)).toBe(true);
  });
});

describe('meridian score-node: bad input exits 2 naming the field and value', () => {
  it('an unknown metro', async () => {
    const r = await run('--scenario', SMALL, '--node', node('1').replace('frankfurt', 'frnkfurt'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--node: location.metro: unknown metro (not in src/geo/metros.ts) (got "frnkfurt")',
    );
  });
  it('a warm model the scenario does not have', async () => {
    const r = await run('--scenario', SMALL, '--node', node('1').replace('llama-3.1-8b-instruct', 'gpt-9'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--node: models[0].model: unknown model (not among the scenario models) (got "gpt-9")',
    );
  });
  it('a negative accelerator count', async () => {
    const r = await run('--scenario', SMALL, '--node', node('1').replace('"count":8', '"count":-1'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--node: hardware.count: expected ≥ 0 (got -1)');
  });
  it('an id the scenario already has (sm-00001): a proposed node needs a new one', async () => {
    const r = await run('--scenario', SMALL, '--node', node('1').replace('candidate-1', 'sm-00001'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--node: id "sm-00001" is already a node of');
  });
  it('text that is not JSON, and a missing @file', async () => {
    const bad = await run('--scenario', SMALL, '--node', '{"id":');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--node: not valid JSON');
    const missing = await run('--scenario', SMALL, '--node', '@/nonexistent/node.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/node.json: cannot read node file');
  });
});
