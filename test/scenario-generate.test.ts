import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metroById } from '../src/geo/metros.js';
import { loadScenarioText } from '../src/scenario/load.js';
import { ROOT } from './support/shared-data.js';

const SMALL = readFileSync(join(ROOT, 'scenarios', 'small.yaml'), 'utf8');
const load = (text: string) => loadScenarioText(text, 'small.yaml', join(ROOT, 'scenarios'));

describe('generator expansion', () => {
  it('gives identical nodes and datasets for the same seed', () => {
    const a = load(SMALL);
    const b = load(SMALL);
    expect(b.nodes).toEqual(a.nodes);
    expect(b.datasets).toEqual(a.datasets);
  });

  it('gives different nodes for another seed', () => {
    const a = load(SMALL);
    const b = load(SMALL.replace('seed: 7', 'seed: 8'));
    expect(b.nodes.length).toBe(a.nodes.length);
    expect(b.nodes.map((n) => n.location.metro)).not.toEqual(a.nodes.map((n) => n.location.metro));
  });

  it('leaves the nodes of one generator unchanged when another generator is added after it', () => {
    const extra = `    - { idPrefix: extra, count: 5, providers: { ovh: 1 }, hardware: [{ accelerator: cpu }], operators: 2 }\n`;
    const withExtra = SMALL.replace('\nmodels:', `${extra}\nmodels:`);
    const a = load(SMALL);
    const b = load(withExtra);
    expect(b.nodes.length).toBe(a.nodes.length + 5);
    expect(b.nodes.slice(0, a.nodes.length)).toEqual(a.nodes);
  });

  it('creates exactly the configured number of operators when count ≥ operators', () => {
    const s = load(SMALL);
    expect(new Set(s.nodes.map((n) => n.labels.operator.value)).size).toBe(40);
  });

  it('numbers node ids from the prefix and places nodes within 0.05° of their metro', () => {
    const s = load(SMALL);
    expect(s.nodes[0]!.id).toBe('sm-00001');
    expect(s.nodes[199]!.id).toBe('sm-00200');
    expect(new Set(s.nodes.map((n) => n.id)).size).toBe(200);
    const far = s.nodes.filter((n) => {
      const m = metroById(n.location.metro)!;
      return Math.abs(n.location.lat - m.lat) > 0.05 + 1e-9 || Math.abs(n.location.lon - m.lon) > 0.05 + 1e-9;
    });
    expect(far).toEqual([]);
  });

  it('gives proxies the api accelerator, an upstream label, and every api-capable model warm', () => {
    const s = load(SMALL);
    const proxies = s.nodes.filter((n) => n.hardware.accelerator === 'api');
    expect(proxies.length).toBeGreaterThan(0);
    const apiModels = s.models.filter((m) => m.performance.api !== undefined).map((m) => m.id);
    for (const p of proxies) {
      expect(['openai', 'together']).toContain(p.labels.upstream?.value);
      expect(p.roles).toEqual(['inference']);
      expect(p.models.map((h) => h.model).sort()).toEqual([...apiModels].sort());
    }
  });

  it('keeps only metros of the requested regions', () => {
    const s = load(SMALL);
    const countries = new Set(s.nodes.map((n) => n.labels.country.value));
    expect(countries.has('JP')).toBe(false);
    expect(countries.has('US')).toBe(true);
  });
});
