import { describe, expect, it } from 'vitest';
import { ACCELERATOR_CLASSES } from '../model/common.js';
import { METROS, metroById, REGIONS } from './metros.js';
import { PROVIDERS, providerById } from './providers.js';

describe('metro catalog', () => {
  it('holds at least 100 metros with unique lowercase kebab ids', () => {
    expect(METROS.length).toBeGreaterThanOrEqual(100);
    const ids = METROS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('covers every region with at least five metros', () => {
    for (const region of REGIONS) {
      expect(METROS.filter((m) => m.region === region).length, region).toBeGreaterThanOrEqual(5);
    }
  });

  it('has valid coordinates, ISO country codes, positive demand and plausible UTC offsets', () => {
    for (const m of METROS) {
      expect(Math.abs(m.lat), m.id).toBeLessThanOrEqual(90);
      expect(Math.abs(m.lon), m.id).toBeLessThanOrEqual(180);
      expect(m.country, m.id).toMatch(/^[A-Z]{2}$/);
      expect(m.demandWeight, m.id).toBeGreaterThan(0);
      expect(m.utcOffsetHours, m.id).toBeGreaterThanOrEqual(-12);
      expect(m.utcOffsetHours, m.id).toBeLessThanOrEqual(14);
      expect(Number.isInteger(m.utcOffsetHours * 2), m.id).toBe(true);
    }
  });

  it('looks metros up by id and returns undefined for unknown ids', () => {
    expect(metroById('frankfurt')?.country).toBe('DE');
    expect(metroById('sao-paulo')?.region).toBe('south-america');
    expect(metroById('ashburn')?.utcOffsetHours).toBe(-5);
    expect(metroById('atlantis')).toBeUndefined();
  });

  it("places each metro's UTC offset within 3 hours of its longitude / 15° (sanity check on coordinates)", () => {
    for (const m of METROS) expect(Math.abs(m.utcOffsetHours - m.lon / 15), m.id).toBeLessThan(3);
  });
});

describe('provider catalog', () => {
  const expectedIds = [
    'aws',
    'gcp',
    'azure',
    'hetzner',
    'ovh',
    'equinix',
    'latitude',
    'teraswitch',
    'vultr',
    'coreweave',
    'lambda',
    'residential',
  ];

  it('holds the twelve providers with unique ids', () => {
    const ids = PROVIDERS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of expectedIds) expect(providerById(id)?.id).toBe(id);
    expect(providerById('nope')).toBeUndefined();
  });

  it('places every provider site in a metro of the catalog', () => {
    for (const p of PROVIDERS) {
      expect(p.sites.length, p.id).toBeGreaterThan(0);
      for (const s of p.sites)
        expect(metroById(s.metro), `${p.id} ${s.datacenter} → ${s.metro}`).toBeDefined();
    }
  });

  it('uses known accelerator classes and prices only offered ones, all positive', () => {
    const known = new Set<string>(ACCELERATOR_CLASSES);
    for (const p of PROVIDERS) {
      for (const a of p.accelerators) expect(known.has(a), `${p.id} ${a}`).toBe(true);
      for (const [a, usd] of Object.entries(p.gpuHourUsd)) {
        expect(p.accelerators, `${p.id} prices ${a}`).toContain(a);
        expect(usd, `${p.id} ${a}`).toBeGreaterThan(0);
      }
    }
  });

  it('gives real ASNs for the providers whose ASNs are well known', () => {
    expect(providerById('aws')?.asns).toContain(16509);
    expect(providerById('gcp')?.asns).toContain(15169);
    expect(providerById('azure')?.asns).toContain(8075);
    expect(providerById('hetzner')?.asns).toContain(24940);
    expect(providerById('ovh')?.asns).toContain(16276);
    expect(providerById('vultr')?.asns).toContain(20473);
    expect(providerById('residential')?.asns.length).toBeGreaterThanOrEqual(5);
  });
});
