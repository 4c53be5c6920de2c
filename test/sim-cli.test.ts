import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/shared-data.js';

const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const built = existsSync(CLI);
if (!built) console.warn('skipping: dist/cli/main.js not built (run npm run build)');
const SMALL = join(ROOT, 'scenarios', 'small.yaml');

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, 'simulate', ...args], { encoding: 'utf8', cwd: ROOT });
}

describe('meridian simulate (built CLI)', () => {
  it.skipIf(!built)('--json prints the results object with the documented fields for every policy', () => {
    const r = cli(SMALL, '--duration', '30', '--policies', 'random,meridian', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.scenario).toBe('small');
    expect(out.seed).toBe(7);
    expect(Object.keys(out.policies)).toEqual(['random', 'meridian']);
    for (const p of Object.values(out.policies) as Record<string, unknown>[]) {
      for (const key of ['requests', 'lost', 'shed', 'cold_starts', 'e2e_ms', 'ttft_ms', 'ratio_to_oracle']) {
        expect(p).toHaveProperty(key);
      }
      for (const key of ['p50', 'p95', 'p99']) {
        expect(typeof (p.e2e_ms as Record<string, unknown>)[key]).toBe('number');
        expect(typeof (p.ttft_ms as Record<string, unknown>)[key]).toBe('number');
      }
      expect(typeof (p.ratio_to_oracle as Record<string, unknown>).p95).toBe('number');
    }
  });

  it.skipIf(!built)(
    '--out writes results.json, summary.md and a report.html that loads nothing from the network',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'meridian-sim-'));
      try {
        const r = cli(
          SMALL,
          '--duration',
          '30',
          '--policies',
          'nearest,meridian',
          '--seed',
          '3',
          '--out',
          dir,
        );
        expect(r.status).toBe(0);
        expect(r.stdout).toContain('lower bound');
        expect(r.stdout).toMatch(/^meridian\s/m);
        const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
        expect(results.seed).toBe(3);
        expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('| meridian |');
        const html = readFileSync(join(dir, 'report.html'), 'utf8');
        // 6 charts (CDF, region p95, load, cold starts, prediction error, provider share); the maps: the
        // shared land, the nodes, and one per policy (2).
        expect(html.match(/<svg /g)?.length).toBe(6 + 2 + 2);
        expect(html).toContain('data-testid="nodes-map"');
        expect(html).toContain('Prediction error over time');
        expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!built)(
    'bad usage exits 2 with a message naming the flag and value, without a stack trace',
    () => {
      const policy = cli(SMALL, '--policies', 'nearest,fastest');
      expect(policy.status).toBe(2);
      expect(policy.stderr).toContain('unknown policy "fastest"');
      const duration = cli(SMALL, '--duration', 'soon');
      expect(duration.status).toBe(2);
      expect(duration.stderr).toContain('--duration must be');
      const missing = cli(join(ROOT, 'scenarios', 'no-such.yaml'));
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain('no-such.yaml');
      for (const r of [policy, duration, missing]) expect(r.stderr).not.toContain('    at ');
    },
  );
});

describe('meridian simulate on a trace with rows out of time order', () => {
  it.skipIf(!built)('sorts them and warns, naming the trace file and the first row that goes back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-sim-trace-'));
    try {
      writeFileSync(
        join(dir, 'back.csv'),
        'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:00:10,10,5\n2023-11-16 18:00:00,20,5\n2023-11-16 18:00:20,30,5\n',
      );
      writeFileSync(
        join(dir, 's.yaml'),
        `name: t
seed: 1
durationS: 30
network:
  nodes:
    - id: fra-1
      location: { metro: frankfurt }
      labels: { provider: aws }
      hardware: { accelerator: h100, count: 8 }
      models:
        - { model: llama-3.1-8b-instruct, tier: gpu }
models:
  catalog: builtin
  include: [llama-3.1-8b-instruct]
demand:
  trace: { file: back.csv }
`,
      );
      const r = cli(join(dir, 's.yaml'), '--policies', 'meridian', '--json');
      expect(r.status).toBe(0);
      expect(r.stderr).toContain(
        `warning: ${join(dir, 'back.csv')}:3: row 3, column TIMESTAMP: goes back in time, earlier than row 2`,
      );
      expect(JSON.parse(r.stdout).policies.meridian.requests).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
