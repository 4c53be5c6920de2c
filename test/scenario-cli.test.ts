import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/shared-data.js';

const BIN = join(ROOT, 'dist', 'cli', 'main.js');
const built = existsSync(BIN);
if (!built) console.warn('skipping: dist/cli/main.js not built (run npm run build first)');

/** Runs the built CLI from the project root; relative paths in messages are as typed. */
function meridian(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe.skipIf(!built)('meridian scenario validate (built binary)', () => {
  it('prints ok with node and model counts for valid files and exits 0', () => {
    const r = meridian('scenario', 'validate', 'scenarios/small.yaml', 'scenarios/cold-start-trap.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'ok scenarios/small.yaml (200 nodes, 10 models)\nok scenarios/cold-start-trap.yaml (5 nodes, 2 models)\n',
    );
    expect(r.err).toBe('');
  });

  it.each([
    [
      'bad-latitude.yaml',
      'test/fixtures/bad-latitude.yaml:56: network.nodes[12].location.lat: expected ≤ 90 (got 123)',
    ],
    [
      'bad-unknown-model.yaml',
      'test/fixtures/bad-unknown-model.yaml:18: network.nodes[1].models[0].model: unknown model (not among the scenario models) (got "llama-9-1000b-instruct")',
    ],
    [
      'bad-demand-type.yaml',
      'test/fixtures/bad-demand-type.yaml:15: demand.totalRps: expected number (got "lots")',
    ],
    [
      'bad-yaml-syntax.txt',
      'test/fixtures/bad-yaml-syntax.txt:10: YAML syntax error at line 10, column 1: Flow map in block collection must be sufficiently indented and end with a }',
    ],
  ])('%s: names file, line, path, value and expectation; exit 2; no stack trace', (file, expected) => {
    const r = meridian('scenario', 'validate', `test/fixtures/${file}`);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(expected);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toMatch(
      new RegExp(`^invalid test/fixtures/${file.replaceAll('.', '\\.')} \\(\\d+ issues?\\)\\n$`),
    );
  });

  it('checks every file, reports the bad one in --json and exits 2', () => {
    const r = meridian(
      'scenario',
      'validate',
      'scenarios/small.yaml',
      'test/fixtures/bad-latitude.yaml',
      '--json',
    );
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual({
      files: [
        { file: 'scenarios/small.yaml', ok: true, nodes: 200, models: 10, issues: [], warnings: [] },
        {
          file: 'test/fixtures/bad-latitude.yaml',
          ok: false,
          issues: [
            { path: 'network.nodes[12].location.lat', message: 'expected ≤ 90', value: 123, line: 56 },
          ],
          warnings: [],
        },
      ],
    });
  });

  it('warns (exit 0) about a 10% zkml share when the only model of the demand offers no zkml', () => {
    const r = meridian('scenario', 'validate', 'test/fixtures/warn-zkml-share.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toBe('ok test/fixtures/warn-zkml-share.yaml (1 nodes, 1 models)\n');
    expect(r.err).toBe(
      'warning: test/fixtures/warn-zkml-share.yaml:21: demand.verification.zkml: no model in the demand supports zkml; these requests will be drawn among the modes their model offers (got 0.1)\n',
    );
    const json = JSON.parse(
      meridian('scenario', 'validate', '--json', 'test/fixtures/warn-zkml-share.yaml').out,
    );
    expect(json.files[0].ok).toBe(true);
    expect(json.files[0].warnings).toEqual([
      expect.objectContaining({ path: 'demand.verification.zkml', line: 21, value: 0.1 }),
    ]);
  });

  it('reports no warning for any built-in scenario (global.yaml has zkml-capable ONNX models for its 1%)', () => {
    const files = ['cold-start-trap', 'flash-crowd', 'global', 'provider-outage', 'small'];
    const r = meridian('scenario', 'validate', ...files.map((f) => `scenarios/${f}.yaml`));
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });

  it('reports a missing file as invalid, not as a crash', () => {
    const r = meridian('scenario', 'validate', 'scenarios/nope.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toContain('scenarios/nope.yaml');
    expect(r.err).toContain('no such file');
  });

  it('needs at least one file (exit 2)', () => {
    expect(meridian('scenario', 'validate').code).toBe(2);
  });
});

describe.skipIf(!built)('meridian scenario show (built binary)', () => {
  it('prints aligned tables of nodes, models with warm replicas, demand, failures and policies', () => {
    const r = meridian('scenario', 'show', 'scenarios/cold-start-trap.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toContain('5 nodes in 4 metros and 4 countries, 5 providers, 5 ASNs, 5 operators');
    expect(r.out).toContain(
      [
        'Nodes by metro:',
        'metro      nodes  share',
        'frankfurt      2  40.0%',
        'amsterdam      1  20.0%',
        'london         1  20.0%',
        'paris          1  20.0%',
      ].join('\n'),
    );
    // llama-3.3-70b: warm on ams-h100 and lon-h200, in host RAM on par-h100, on disk on fra-h100
    expect(r.out).toMatch(/llama-3\.3-70b-instruct\s+llm\s+141\.2\s+100\.0%\s+2\s+1\s+1\n/);
    expect(r.out).toContain('Policies:\nnearest, least-loaded, p2c, meridian');
  });

  it('prints the summary as JSON with --json', () => {
    const r = meridian('scenario', 'show', 'scenarios/provider-outage.yaml', '--json', '--top', '3');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.nodes.total).toBe(400);
    expect(s.nodes.byMetro).toHaveLength(4);
    expect(s.failures[0]).toMatchObject({ kind: 'outage', selector: { provider: ['aws'] } });
    expect(s.failures[0].matchedNodes).toBe(
      s.nodes.byProvider.find((c: { key: string }) => c.key === 'aws').count,
    );
  });

  it('exits 2 with the path-precise message for a broken file', () => {
    const r = meridian('scenario', 'show', 'test/fixtures/bad-unknown-model.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toContain('network.nodes[1].models[0].model: unknown model');
  });
});
