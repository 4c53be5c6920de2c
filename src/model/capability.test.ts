import { describe, expect, it } from 'vitest';
import { canHold, canServe, FIT_HEADROOM, residentCapacityGb, residentFootprintGb } from './capability.js';

const perf = { prefillMsPer1k: 1, decodeMsPerToken: 1 };
const model = { id: 'm100', weightsGb: 100, performance: { h100: perf, cpu: perf, api: perf } };
const h100 = (count: number, memoryGb = 80) => ({ accelerator: 'h100', count, memoryGb });
const ram = (hostRamGb: number) => ({ hostRamGb });

describe('capability rule (src/model/capability.ts)', () => {
  it('headroom is one constant: a resident 100 GB model takes 120 GB', () => {
    expect(FIT_HEADROOM).toBe(1.2);
    expect(residentFootprintGb(100)).toBe(120);
  });

  it('a 100 GB model fits 120 GB of accelerator memory (2 × 60) but not 119 GB (7 × 17)', () => {
    expect(canServe({ roles: ['inference'], hardware: h100(2, 60) }, model)).toBe(true);
    expect(canServe({ roles: ['inference'], hardware: h100(7, 17) }, model)).toBe(false);
    // Without headroom 2 × 55 = 110 GB would hold the 100 GB of weights; with it, it does not.
    expect(canServe({ roles: ['inference'], hardware: h100(2, 55) }, model)).toBe(false);
  });

  it('a class without a performance entry cannot serve, however much memory it has', () => {
    expect(canServe({ hardware: { accelerator: 'l4', count: 64, memoryGb: 4096 } }, model)).toBe(false);
  });

  it('a cpu node runs from host RAM: 120 GB of RAM serves the 100 GB model, 119 GB does not', () => {
    const cpu = { accelerator: 'cpu', count: 1, memoryGb: 0 };
    expect(residentCapacityGb(cpu, ram(256))).toBe(256);
    expect(canServe({ hardware: cpu, storage: ram(120) }, model)).toBe(true);
    expect(canServe({ hardware: cpu, storage: ram(119) }, model)).toBe(false);
    expect(canServe({ hardware: cpu }, model)).toBe(false);
  });

  it('an api proxy has unbounded memory but serves only the models it lists', () => {
    const api = { accelerator: 'api', count: 0, memoryGb: 0 };
    expect(residentCapacityGb(api, undefined)).toBe(Number.POSITIVE_INFINITY);
    expect(canHold(model, api, undefined)).toBe(true);
    expect(canServe({ hardware: api, models: [] }, model)).toBe(false);
    expect(canServe({ hardware: api, models: [{ model: 'm100' }] }, model)).toBe(true);
  });

  it('only inference nodes serve; a member without hardware serves nothing', () => {
    expect(canServe({ roles: ['full', 'data'], hardware: h100(8) }, model)).toBe(false);
    expect(canServe({ roles: ['data', 'inference'], hardware: h100(8) }, model)).toBe(true);
    expect(canServe({ roles: ['inference'] }, model)).toBe(false);
  });
});
