import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliOutcome, meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';
import { tempDir } from './support/temp-dir.js';

const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const TRAP = join(ROOT, 'scenarios', 'cold-start-trap.yaml');
const FRANKFURT_70B = JSON.stringify({
  model: 'llama-3.3-70b-instruct',
  client: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
  inputTokens: 800,
  outputTokens: 200,
});

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `meridian route …` in-process. */
function meridianRoute(...args: string[]): Promise<CliOutcome> {
  return meridian('route', ...args);
}

/** The built binary, for what only a real process shows (exit status, streams). */
function binary(...args: string[]): Outcome {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" before this test`);
  const r = spawnSync(process.execPath, [CLI, 'route', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('meridian route on the cold-start trap (the seed story from the command line)', () => {
  // The two warm nodes: London's 8×H200 (4.8 TB/s) decodes faster than Amsterdam's 8×H100 (3.35 TB/s):
  // 12.0 vs 8.41 ms per token for the 70B (see catalog/derive.test.ts), so London wins by ~0.7 s on 200
  // tokens despite 5 ms more RTT.
  it('sends a Frankfurt client to a warm node (London 8×H200) and --explain shows every term (built binary)', () => {
    const r = binary('--scenario', TRAP, '--request', FRANKFURT_70B, '--explain');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^primary {4}lon-h200 \(london\) {2}estimate [\d,]+ ms$/m);
    expect(r.stdout).toContain('rtt ms  queue ms  cold start ms  service ms  data ms  estimate ms');
    // The nearest node is in the table with its cold start from local disk (141 GB at 3 GB/s ≈ 47 s).
    const fra = r.stdout.split('\n').find((l) => l.startsWith('fra-h100'));
    expect(fra).toMatch(/^fra-h100\s+frankfurt\s+no\s+[\d.]+\s+0\s+4\d,\d{3}\s/);
    expect(r.stdout.split('\n').find((l) => l.startsWith('lon-h200 *'))).toMatch(/\syes\s+[\d.]+\s+0\s+0\s/);
    expect(r.stdout.split('\n').find((l) => l.startsWith('ams-h100 '))).toMatch(/\syes\s+[\d.]+\s+0\s+0\s/);
  });

  it('prints one JSON object with primary, fallbacks, verifiers and estimate_ms', async () => {
    const r = await meridianRoute('--scenario', TRAP, '--request', FRANKFURT_70B, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.primary).toBe('lon-h200');
    expect(out.fallbacks).toHaveLength(2);
    expect(out.fallbacks).not.toContain('lon-h200');
    expect(out.verifiers).toEqual([]);
    expect(out.estimate_ms).toBeGreaterThan(0);
    expect(out.receipt).toBeUndefined();
  });

  it('adds the receipt under --explain --json, with the seed that replays it', async () => {
    const r = await meridianRoute(
      '--scenario',
      TRAP,
      '--request',
      FRANKFURT_70B,
      '--json',
      '--explain',
      '--seed',
      '5',
    );
    const out = JSON.parse(r.stdout);
    expect(out.receipt.seed).toBe(5);
    expect(out.receipt.chosen).toBe('lon-h200');
    expect(Object.keys(out.receipt.top[0])).toEqual(
      expect.arrayContaining(['rttMs', 'queueMs', 'coldStartMs', 'serviceMs', 'dataFetchMs', 'estimateMs']),
    );
  });

  it('reads the request from @file', async () => {
    const tmp = tempDir('route');
    try {
      const file = join(tmp.dir, 'request.json');
      writeFileSync(file, FRANKFURT_70B);
      const r = await meridianRoute('--scenario', TRAP, '--request', `@${file}`, '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).primary).toBe('lon-h200');
    } finally {
      tmp.remove();
    }
  });

  it('goes to the cold node next door under the nearest policy', async () => {
    const r = await meridianRoute(
      '--scenario',
      TRAP,
      '--request',
      FRANKFURT_70B,
      '--json',
      '--policy',
      'nearest',
    );
    expect(JSON.parse(r.stdout).primary).toBe('fra-h100');
  });
});

describe('meridian route: failures', () => {
  it('exits 1 with {"error": {code, message}} when no node qualifies (built binary)', () => {
    const body = JSON.stringify({ ...JSON.parse(FRANKFURT_70B), constraints: { countries: ['JP'] } });
    const r = binary('--scenario', TRAP, '--request', body, '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.error.code).toBe('no_candidates');
    expect(out.error.message).toContain('country not allowed');
  });

  it('exits 2 naming the field of a malformed request, without a stack trace', async () => {
    const body = JSON.stringify({ ...JSON.parse(FRANKFURT_70B), outputTokens: 'many' });
    const r = await meridianRoute('--scenario', TRAP, '--request', body);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('meridian: request: outputTokens: expected number (got "many")');
  });

  it('exits 2 on a request that is not JSON', async () => {
    const r = await meridianRoute('--scenario', TRAP, '--request', '{model:');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^meridian: request: not valid JSON/);
  });

  it('exits 2 on an unknown model, listing the scenario models', async () => {
    const body = JSON.stringify({ ...JSON.parse(FRANKFURT_70B), model: 'gpt-9' });
    const r = await meridianRoute('--scenario', TRAP, '--request', body, '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.message).toContain('model "gpt-9" is not in scenario cold-start-trap');
  });

  it('exits 2 on an unknown policy', async () => {
    const r = await meridianRoute('--scenario', TRAP, '--request', FRANKFURT_70B, '--policy', 'fastest');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown policy "fastest"');
  });

  it('exits 2 when a required flag is missing', async () => {
    const r = await meridianRoute('--scenario', TRAP);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--request is required');
  });
});

describe('meridian route: a request the network can never take as asked', () => {
  it('an unknown dataset exits 2 with {"error": {"code": "unknown_dataset"}} (as the gateway answers 404)', () => {
    const body = JSON.stringify({ ...JSON.parse(FRANKFURT_70B), dataset: 'nope' });
    const r = binary('--scenario', TRAP, '--request', body, '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('unknown_dataset');
  });
});
