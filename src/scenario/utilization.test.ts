import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './load.js';
import { offeredLoad } from './utilization.js';

/** Two h100-style nodes (2 and 6 slots) in one metro; 1,000 input and 100 output tokens, fixed. */
function scenario(rps: number, amplitude: number, devices = ''): string {
  const node = (id: string, slots: number) => `
    - id: ${id}
      location: { metro: frankfurt }
      labels: { provider: aws }
      hardware: { accelerator: h100 }
      slots: ${slots}`;
  return `
name: t
seed: 1
durationS: 60
network:
  nodes:${node('a', 2)}${node('b', 6)}
models:
  custom:
    - id: m
      kind: llm
      weightsGb: 10
      performance: { h100: { prefillMsPer1k: 100, decodeMsPerToken: 10, decodeSlope: 0.1${devices} } }
demand:
  totalRps: ${rps}
  metros: { frankfurt: 1 }
  diurnal: { amplitude: ${amplitude}, peakLocalHour: 20 }
  tokens: { input: 1000, output: 100 }
`;
}

describe('offeredLoad', () => {
  it('is rate × service ÷ slots: 4 req/s × 1.1 s (100 ms prefill + 100 × 10 ms decode) ÷ 8 slots = 55%', () => {
    const u = offeredLoad(loadScenarioText(scenario(4, 0), 't.yaml', '.'))!;
    expect(u.serviceMs).toBeCloseTo(1100, 6);
    expect(u.slots).toBe(8);
    expect(u.mean).toBeCloseTo(0.55, 6);
    expect(u.peak).toBeCloseTo(0.55, 6);
  });

  it('at the diurnal peak the rate is × (1 + amplitude): 0.4 turns 55% on average into 77%', () => {
    const u = offeredLoad(loadScenarioText(scenario(4, 0.4), 't.yaml', '.'))!;
    expect(u.mean).toBeCloseTo(0.55, 6);
    expect(u.peak).toBeCloseTo(0.77, 3);
  });

  it('scales the catalog to the device count of each node: numbers for 8 devices on 1-device nodes take 8 × 0.9³ = 5.832× as long', () => {
    const u = offeredLoad(loadScenarioText(scenario(4, 0, ', devices: 8'), 't.yaml', '.'))!;
    expect(u.serviceMs).toBeCloseTo(1100 * 5.832, 6);
    expect(u.mean).toBeCloseTo(0.55 * 5.832, 6);
  });
});
