import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { greatCircleKm } from '../src/geo/distance.js';
import { metroById } from '../src/geo/metros.js';
import { canServe } from '../src/model/capability.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { matchesSelector } from '../src/scenario/selector.js';
import { offeredLoad } from '../src/scenario/utilization.js';
import { ROOT } from './support/shared-data.js';

const DIR = join(ROOT, 'scenarios');
const load = (name: string) => loadScenarioFile(join(DIR, `${name}.yaml`));
const global = load('global');

function counts(values: readonly string[]): [string, number][] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}

describe('built-in scenarios', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

  it('include the eight documented scenarios', () => {
    expect(files.sort()).toEqual(
      [
        'cold-start-trap',
        'flash-crowd',
        'global',
        'heterogeneous',
        'liars',
        'provider-outage',
        'shifting-demand',
        'small',
      ].map((n) => `${n}.yaml`),
    );
  });

  it.each(files)('%s loads without issues and points editors at the JSON Schema', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    expect(text.startsWith('# yaml-language-server: $schema=./scenario.schema.json\n#\n# ')).toBe(true);
    const s = file === 'global.yaml' ? global : loadScenarioFile(join(DIR, file));
    expect(s.nodes.length).toBeGreaterThan(0);
    expect(s.models.length).toBeGreaterThan(0);
  });
});

describe('global', () => {
  const providers = counts(global.nodes.map((n) => n.labels.provider.value));
  const operators = counts(global.nodes.map((n) => n.labels.operator.value));

  it('has about 5,000 nodes in at least 60 metros on at least 10 providers, with at least 30 models', () => {
    expect(global.nodes.length).toBeGreaterThanOrEqual(4500);
    expect(global.nodes.length).toBeLessThanOrEqual(5500);
    expect(new Set(global.nodes.map((n) => n.location.metro)).size).toBeGreaterThanOrEqual(60);
    expect(providers.length).toBeGreaterThanOrEqual(10);
    expect(global.models.length).toBeGreaterThanOrEqual(30);
  });

  it('is concentrated: two clouds hold at least 40% of datacenter nodes; a long tail of operators', () => {
    const dc = providers.filter(([p]) => p !== 'residential');
    const dcTotal = dc.reduce((s, [, c]) => s + c, 0);
    expect(dc[0]![0]).toBe('aws');
    expect((dc[0]![1] + dc[1]![1]) / dcTotal).toBeGreaterThanOrEqual(0.4);
    expect(operators.length).toBeGreaterThanOrEqual(1000);
    expect(operators[0]![1] / global.nodes.length).toBeGreaterThanOrEqual(0.05);
    expect(operators.filter(([, c]) => c === 1).length).toBeGreaterThanOrEqual(500);
  });

  it('has proxy nodes with an upstream, full and data nodes, and datasets on data nodes', () => {
    const proxies = global.nodes.filter((n) => n.hardware.accelerator === 'api');
    expect(proxies.length).toBeGreaterThan(50);
    expect(proxies.every((n) => n.labels.upstream !== undefined)).toBe(true);
    expect(global.nodes.filter((n) => n.roles.includes('full')).length).toBeGreaterThan(100);
    const byId = new Map(global.nodes.map((n) => [n.id, n]));
    expect(global.datasets.length).toBeGreaterThanOrEqual(3);
    for (const d of global.datasets) {
      for (const id of d.heldBy) expect(byId.get(id)?.roles).toContain('data');
    }
  });

  it('offers TEE only on H100/H200 nodes', () => {
    const tee = global.nodes.filter((n) => n.verification.includes('tee'));
    expect(tee.length).toBeGreaterThan(0);
    expect(tee.every((n) => n.hardware.accelerator === 'h100' || n.hardware.accelerator === 'h200')).toBe(
      true,
    );
  });

  it('keeps only models a node can serve warm', () => {
    const models = new Map(global.models.map((m) => [m.id, m]));
    const wrong = global.nodes.flatMap((n) =>
      n.models.filter((h) => h.tier === 'gpu' && !canServe(n, models.get(h.model)!)),
    );
    expect(wrong).toEqual([]);
  });
});

describe('cold-start-trap', () => {
  const s = load('cold-start-trap');

  it('has the nearest capable node cold and a farther capable node warm for the clients', () => {
    expect(s.demand.metros).toEqual([{ id: 'frankfurt', weight: 1 }]);
    expect(s.demand.models).toEqual([{ id: 'llama-3.3-70b-instruct', weight: 1 }]);
    const client = metroById('frankfurt')!;
    const model = s.models.find((m) => m.id === 'llama-3.3-70b-instruct')!;
    const capable = s.nodes
      .filter((n) => canServe(n, model))
      .map((n) => ({ n, km: greatCircleKm(client, n.location) }))
      .sort((a, b) => a.km - b.km);
    const warm = (n: (typeof s.nodes)[number]) =>
      n.models.some((h) => h.model === model.id && h.tier === 'gpu');
    expect(capable[0]!.n.id).toBe('fra-h100');
    expect(warm(capable[0]!.n)).toBe(false);
    const firstWarm = capable.find((c) => warm(c.n))!;
    expect(firstWarm.n.id).toBe('ams-h100');
    expect(firstWarm.km).toBeGreaterThan(300);
    expect(firstWarm.km).toBeLessThan(450);
  });

  it('has an even nearer node that cannot hold the model at all', () => {
    const n = s.nodes.find((x) => x.id === 'fra-4090')!;
    expect(n.location.metro).toBe('frankfurt');
    expect(canServe(n, s.models.find((m) => m.id === 'llama-3.3-70b-instruct')!)).toBe(false);
  });
});

describe('provider-outage', () => {
  it('takes down the largest provider mid-run', () => {
    const s = load('provider-outage');
    const largest = counts(s.nodes.map((n) => n.labels.provider.value))[0]![0];
    const outage = s.failures.find((f) => f.kind === 'outage');
    expect(outage).toMatchObject({ kind: 'outage', selector: { provider: [largest] } });
    if (outage?.kind !== 'outage') return;
    expect(outage.atS).toBeGreaterThan(0);
    expect(outage.atS + outage.durationS).toBeLessThan(s.durationS);
    expect(s.nodes.filter((n) => matchesSelector(n, outage.selector)).length).toBeGreaterThan(
      s.nodes.length / 4,
    );
  });
});

describe('flash-crowd', () => {
  it('multiplies demand for one model by 20 in one region for ten minutes', () => {
    const s = load('flash-crowd');
    expect(s.demand.bursts).toEqual([
      { atS: 600, durationS: 600, factor: 20, model: 'qwen2.5-7b-instruct', region: 'europe' },
    ]);
  });
});

describe('heterogeneous', () => {
  const het = load('heterogeneous');

  it('has a few hundred nodes on at least three continents, hidden speed factors (σ 0.4), stragglers and measured RTTs', () => {
    expect(het.nodes.length).toBeGreaterThanOrEqual(200);
    expect(het.nodes.length).toBeLessThanOrEqual(500);
    const regions = new Set(het.nodes.map((n) => metroById(n.location.metro)?.region));
    expect(regions.size).toBeGreaterThanOrEqual(3);
    expect([het.truth?.prefillSigma, het.truth?.decodeSigma]).toEqual([0.4, 0.4]);
    expect(het.truth?.stragglers?.perNodeHour).toBeGreaterThan(0);
    expect(het.rtt?.matrix).toMatch(/wonderproxy-city-rtt/);
  });

  it('offers 60–80% of slot capacity at the diurnal peak, with a provider outage inside its duration', () => {
    const u = offeredLoad(het)!;
    expect(u.peak).toBeGreaterThanOrEqual(0.6);
    expect(u.peak).toBeLessThanOrEqual(0.8);
    const outage = het.failures.find((f) => f.kind === 'outage');
    expect(outage?.kind === 'outage' && outage.atS + outage.durationS).toBeLessThanOrEqual(het.durationS);
    expect(outage?.kind === 'outage' && outage.selector.provider).toEqual(['aws']);
  });
});

describe('liars', () => {
  const liars = load('liars');
  const heterogeneous = load('heterogeneous');

  it('is the heterogeneous network (the same 300 nodes) with twelve liars: 2 warm, 2 queue, 2 location, 4 output, 2 speed (8× slower than declared)', () => {
    expect(liars.nodes.map((n) => n.id)).toEqual(heterogeneous.nodes.map((n) => n.id));
    const lies = counts((liars.liars ?? []).map((l) => l.lie));
    expect(Object.fromEntries(lies)).toEqual({ warm: 2, queue: 2, location: 2, output: 4, speed: 2 });
    expect(new Set(liars.liars!.map((l) => l.node)).size).toBe(12);
    for (const l of liars.liars!) expect(l.factor).toBe(l.lie === 'speed' ? 8 : undefined);
  });

  it('places every location liar’s claim at least 2,000 km from where it is', () => {
    for (const l of liars.liars!.filter((x) => x.lie === 'location')) {
      const node = liars.nodes.find((n) => n.id === l.node)!;
      expect(greatCircleKm(node.location, l.claim!)).toBeGreaterThanOrEqual(2000);
    }
  });
});
