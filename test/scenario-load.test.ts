import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, type InputIssue } from '../src/errors.js';
import { loadScenarioText } from '../src/scenario/load.js';
import { ROOT } from './support/shared-data.js';

const FIXTURES = join(ROOT, 'test', 'fixtures');

/** A valid two-node scenario; tests splice broken parts into it. */
const BASE = `name: t
seed: 3
durationS: 600
network:
  nodes:
    - id: fra-1
      roles: [inference, data]
      location: { metro: frankfurt }
      labels: { provider: aws }
      hardware: { accelerator: h100, count: 8 }
      models:
        - { model: llama-3.1-8b-instruct, tier: gpu }
    - id: ams-1
      location: { metro: amsterdam, lat: 52.3, lon: 4.9 }
      labels: { provider: my-colo, asn: 64512, datacenter: ams-x, operator: me, country: NL }
      hardware: { accelerator: l4 }
models:
  catalog: builtin
  include: [llama-3.1-8b-instruct, llama-3.3-70b-instruct]
demand:
  totalRps: 5
`;

function issuesOf(text: string): InputIssue[] {
  try {
    loadScenarioText(text, 'inline.yaml', FIXTURES);
  } catch (e) {
    if (e instanceof InputError) return e.issues;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('loadScenarioText', () => {
  it('loads the base scenario, deriving labels and coordinates for a listed node', () => {
    const s = loadScenarioText(BASE, 'inline.yaml', FIXTURES);
    const fra = s.nodes[0]!;
    expect(fra.location).toEqual({ lat: 50.11, lon: 8.68, metro: 'frankfurt' });
    expect(fra.labels).toMatchObject({
      provider: { value: 'aws', provenance: 'declared' },
      asn: { value: '16509', provenance: 'inferred' },
      datacenter: { value: 'eu-central-1', provenance: 'inferred' },
      country: { value: 'DE', provenance: 'inferred' },
      operator: { value: 'aws', provenance: 'declared' },
    });
    expect(fra.hardware.memoryGb).toBe(80);
    expect(s.nodes[1]!.labels.asn).toEqual({ value: '64512', provenance: 'declared' });
    expect(s.stalenessMs).toBe(1000);
    expect(s.policies).toEqual([
      'random',
      'round-robin',
      'nearest',
      'least-loaded',
      'p2c',
      'nearest-warm',
      'warm-least-loaded',
      'opengradient',
      'meridian-static',
      'meridian',
      'meridian-reactive',
    ]);
    expect(s.demand).toMatchObject({ kind: 'synthetic', totalRps: 5 });
  });

  it('reports an unknown field with its path and line', () => {
    const issues = issuesOf(BASE.replace('  totalRps: 5', '  totalRps: 5\n  totalRPS: 6'));
    expect(issues).toEqual([{ path: 'demand', message: 'unknown field "totalRPS"', line: 22 }]);
  });

  it('reports an out-of-range field inside a distribution (a union) at its own path', () => {
    const issues = issuesOf(`${BASE}  tokens: { input: { median: 100, sigma: 5.5 }, output: 10 }\n`);
    expect(issues).toEqual([
      { path: 'demand.tokens.input.sigma', message: 'expected ≤ 5', value: 5.5, line: 22 },
    ]);
  });

  it('reports an unknown metro, provider and model at their exact paths', () => {
    const text = BASE.replace('metro: frankfurt', 'metro: frankfort')
      .replace('provider: my-colo, asn: 64512, ', 'provider: my-colo, ')
      .replace('{ model: llama-3.1-8b-instruct, tier: gpu }', '{ model: llama-4-8b, tier: gpu }');
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.path, i.value, i.line])).toEqual([
      ['network.nodes[0].location.metro', 'frankfort', 8],
      ['network.nodes[0].models[0].model', 'llama-4-8b', 12],
      ['network.nodes[1].labels.provider', 'my-colo', 15],
    ]);
    expect(issues[2]!.message).toMatch(/unknown provider: cannot derive the asn label/);
  });

  it('resolves demand growth by region (perDay 0.1) and refuses an unknown growth metro and perDay -1 at their paths', () => {
    const ok = loadScenarioText(
      `${BASE}  growth:\n    - { region: europe, perDay: 0.1 }\n`,
      'inline.yaml',
      FIXTURES,
    );
    expect(ok.demand.kind === 'synthetic' && ok.demand.growth).toEqual([{ perDay: 0.1, region: 'europe' }]);
    const bad = issuesOf(
      `${BASE}  growth:\n    - { metros: [frankfort], perDay: 0.1 }\n    - { region: europe, perDay: -1 }\n`,
    );
    expect(bad.map((i) => i.path)).toEqual(['demand.growth[1].perDay']);
    const metro = issuesOf(`${BASE}  growth:\n    - { metros: [frankfort], perDay: 0.1 }\n`);
    expect(metro.map((i) => [i.path, i.value])).toEqual([['demand.growth[0].metros[0]', 'frankfort']]);
  });

  it('resolves a model mix by region (weights normalised to 3/4 and 1/4) and refuses an unknown model and metro in one at their paths', () => {
    const ok = loadScenarioText(
      `${BASE}  localModels:\n    - { region: europe, models: { llama-3.3-70b-instruct: 3, llama-3.1-8b-instruct: 1 } }\n`,
      'inline.yaml',
      FIXTURES,
    );
    expect(ok.demand.kind === 'synthetic' && ok.demand.localModels).toEqual([
      {
        region: 'europe',
        models: [
          { id: 'llama-3.3-70b-instruct', weight: 0.75 },
          { id: 'llama-3.1-8b-instruct', weight: 0.25 },
        ],
      },
    ]);
    const bad = issuesOf(
      `${BASE}  localModels:\n    - { metros: [frankfort], models: { llama-4: 1, llama-3.1-8b-instruct: 1 } }\n`,
    );
    expect(bad.map((i) => [i.path, i.value])).toEqual([
      ['demand.localModels[0].metros[0]', 'frankfort'],
      ['demand.localModels[0].models["llama-4"]', 'llama-4'],
    ]);
  });

  it('refuses a warm model the node cannot hold (70B on one L4)', () => {
    const text = BASE.replace(
      'hardware: { accelerator: l4 }',
      'hardware: { accelerator: l4 }\n      models: [{ model: llama-3.3-70b-instruct, tier: gpu }]',
    );
    const issues = issuesOf(text);
    expect(issues.map((i) => i.path)).toEqual([
      'network.nodes[1].models[0].model',
      'network.nodes[1].models',
    ]);
    expect(issues[0]!.message).toContain('no performance profile for accelerator "l4"');
  });

  it('reports a duplicate node id and a dataset held by a non-data node', () => {
    const text = `${BASE.replace('id: ams-1', 'id: fra-1')}datasets:\n  - { id: d, sizeGb: 1, heldBy: [fra-1, nowhere] }\n`;
    const issues = issuesOf(text.replace('roles: [inference, data]', 'roles: [inference]'));
    expect(issues.map((i) => [i.path, i.value])).toEqual([
      ['network.nodes[1].id', 'fra-1'],
      ['datasets[0].heldBy[0]', 'fra-1'],
      ['datasets[0].heldBy[1]', 'nowhere'],
    ]);
    expect(issues[1]!.message).toBe('node has no data role (roles: inference)');
  });

  it('refuses an empty failure selector but accepts an unknown dimension, with a warning that it hits no node', () => {
    const empty = issuesOf(`${BASE}failures:\n  - { kind: outage, atS: 10, durationS: 5, selector: {} }\n`);
    expect(empty).toHaveLength(1);
    expect(empty[0]!.path).toBe('failures[0].selector');
    expect(empty[0]!.message).toMatch(/empty selector would match every node/);
    const s = loadScenarioText(
      `${BASE}failures:\n  - { kind: outage, atS: 10, durationS: 5, selector: { rack: r7 } }\n`,
      'inline.yaml',
      FIXTURES,
    );
    expect(s.failures).toEqual([{ kind: 'outage', atS: 10, durationS: 5, selector: { rack: ['r7'] } }]);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatchObject({ path: 'failures[0].selector.rack', value: 'r7', line: 23 });
    expect(s.warnings[0]!.message).toMatch(/no node carries "rack" .*: this failure hits no node/);
  });

  it('refuses a selector value no node has on a known dimension (a likely typo)', () => {
    const issues = issuesOf(
      `${BASE}failures:\n  - { kind: outage, atS: 10, durationS: 5, selector: { provider: awz } }\n`,
    );
    expect(issues).toEqual([
      { path: 'failures[0].selector.provider', message: 'no node has this provider', value: 'awz', line: 23 },
    ]);
  });

  it('reports an unknown failure kind with the allowed ones', () => {
    const issues = issuesOf(`${BASE}failures:\n  - { kind: outgae, atS: 10 }\n`);
    expect(issues[0]).toMatchObject({ path: 'failures[0].kind', value: 'outgae', line: 23 });
    expect(issues[0]!.message).toBe('expected one of "outage", "random"');
  });

  it('reports an unknown generator provider and a provider without a site in the metros', () => {
    const text = BASE.replace(
      'network:\n',
      `network:
  generators:
    - { count: 10, providers: { hetzner: 1, digitalocean: 1 }, metros: { paris: 1 }, hardware: [{ accelerator: cpu }], operators: 3 }
`,
    );
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      [
        'network.generators[0].providers.hetzner',
        'provider "hetzner" has no site in the generator\'s metros',
      ],
      ['network.generators[0].providers.digitalocean', 'unknown provider (not in src/geo/providers.ts)'],
    ]);
  });

  it('gives an empty document and a document that is not a mapping clear messages', () => {
    expect(issuesOf('')).toEqual([{ path: '', message: 'empty document; expected a scenario mapping' }]);
    expect(issuesOf('- 1\n- 2\n')[0]).toMatchObject({ path: '', message: 'expected object' });
  });

  it('replays a trace file relative to the scenario, with defaults filled', () => {
    const text = `${BASE.replace('  totalRps: 5\n', '')}  trace: { file: trace-tiny.csv, metros: { frankfurt: 1 }, timeScale: 0.5 }\n`;
    const s = loadScenarioText(text, 'inline.yaml', FIXTURES);
    expect(s.demand).toMatchObject({
      kind: 'trace',
      file: join(FIXTURES, 'trace-tiny.csv'),
      metros: [{ id: 'frankfurt', weight: 1 }],
      timeScale: 0.5,
      verification: { none: 1, vanilla: 0, tee: 0, zkml: 0 },
    });
  });

  it('resolves rtt files against the scenario folder and reports a missing one', () => {
    const ok = loadScenarioText(`${BASE}rtt: { matrix: rtt-tiny.csv }\n`, 'inline.yaml', FIXTURES);
    expect(ok.rtt).toEqual({ matrix: join(FIXTURES, 'rtt-tiny.csv') });
    const issues = issuesOf(`${BASE}rtt: { matrix: rtt-tiny.csv, coords: coords.csv }\n`);
    expect(issues.map((i) => [i.path, i.value, i.line])).toEqual([['rtt.coords', 'coords.csv', 22]]);
  });

  it('refuses an rtt matrix that is a directory or not a matrix (a trace CSV), as simulate would', () => {
    const dir = issuesOf(`${BASE}rtt: { matrix: . }\n`);
    expect(dir).toEqual([
      {
        path: 'rtt.matrix',
        message: 'is a directory, not a file (paths are relative to the scenario file)',
        value: '.',
        line: 22,
      },
    ]);
    const trace = issuesOf(`${BASE}rtt: { matrix: trace-tiny.csv }\n`);
    expect(trace).toHaveLength(1);
    expect(trace[0]).toMatchObject({ path: 'rtt.matrix', value: 'trace-tiny.csv' });
    expect(trace[0]!.message).toMatch(/^unreadable: trace-tiny\.csv:/);
  });

  it('refuses a trace that is not shaped like the Azure traces, or is a directory', () => {
    const noTrace = `${BASE.replace('  totalRps: 5\n', '')}  trace: { file: bad-demand-type.yaml }\n`;
    expect(issuesOf(noTrace)[0]!.message).toMatch(
      /^expected a CSV whose first line is "TIMESTAMP,ContextTokens,GeneratedTokens"/,
    );
    const dir = `${BASE.replace('  totalRps: 5\n', '')}  trace: { file: . }\n`;
    expect(issuesOf(dir)[0]!.message).toBe('cannot read the trace (EISDIR)');
  });

  it('refuses synthetic fields next to a trace and a missing trace file', () => {
    const issues = issuesOf(`${BASE}  trace: { file: nope.csv }\n`);
    expect(issues.map((i) => i.path)).toEqual(['demand.totalRps']);
    const missing = issuesOf(`${BASE.replace('  totalRps: 5\n', '')}  trace: { file: nope.csv }\n`);
    expect(missing).toEqual([
      {
        path: 'demand.trace.file',
        message: 'file not found (paths are relative to the scenario file)',
        value: 'nope.csv',
        line: 21,
      },
    ]);
  });
});
