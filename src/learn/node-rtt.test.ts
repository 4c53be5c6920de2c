import { describe, expect, it } from 'vitest';
import { metroById } from '../geo/metros.js';
import { fibreFloorMs, RTT_MODEL, rttMs } from '../geo/rtt-model.js';
import { NodeRttEvidence } from './node-rtt.js';

const FRA = metroById('frankfurt')!;
const LON = metroById('london')!;
const SYD = metroById('sydney')!;

describe('NodeRttEvidence', () => {
  it('refuses a round trip below the great-circle fibre floor from either source (Sydney–Frankfurt 0 ms)', () => {
    const e = new NodeRttEvidence();
    expect(e.observe('syd', 'coordinator', SYD, FRA, 0)).toBe('below_fibre_floor');
    expect(e.observe('syd', 'coordinator', SYD, FRA, fibreFloorMs(SYD, FRA) - 1)).toBe('below_fibre_floor');
    expect(e.observe('syd', 'node', SYD, FRA, 0)).toBe('below_fibre_floor');
    expect(e.refused.below_fibre_floor).toBe(3);
    expect(e.offsetMs('syd')).toBe(0);
  });

  it("refuses a node's report until the coordinator has measured the node, then only within 50 ms of its median residual", () => {
    const e = new NodeRttEvidence();
    const prior = rttMs(FRA, LON);
    expect(e.observe('fra', 'node', FRA, LON, prior + 10)).toBe('unverified');
    expect(e.observe('fra', 'coordinator', FRA, FRA, RTT_MODEL.accessMs + 20)).toBeUndefined();
    expect(e.observe('fra', 'node', FRA, LON, prior + 60)).toBeUndefined();
    expect(e.observe('fra', 'node', FRA, LON, prior + 71)).toBe('inconsistent');
    expect(e.observe('fra', 'node', FRA, LON, 600_000)).toBe('inconsistent');
  });

  it('combines by the median with 2 prior zeros: one outlier among 5 samples does not move the offset past the others', () => {
    const e = new NodeRttEvidence();
    const base = RTT_MODEL.accessMs;
    for (const extra of [10, 12, 11, 10]) e.observe('n', 'coordinator', FRA, FRA, base + extra);
    e.observe('n', 'coordinator', FRA, FRA, base + 5000);
    // residuals 10, 12, 11, 10, 5000 and the prior 0, 0 → median 10
    expect(e.offsetMs('n')).toBeCloseTo(10, 9);
  });

  it('bounds the offset to [−accessMs, 250 ms]: predictions never fall below the fibre floor', () => {
    const e = new NodeRttEvidence();
    for (let k = 0; k < 10; k++) e.observe('far', 'coordinator', FRA, SYD, 20_000);
    expect(e.offsetMs('far')).toBe(250);
    for (let k = 0; k < 10; k++) e.observe('near', 'coordinator', FRA, FRA, 0);
    expect(e.offsetMs('near')).toBe(-RTT_MODEL.accessMs);
    expect(rttMs(FRA, SYD) + e.offsetMs('near')).toBeGreaterThanOrEqual(fibreFloorMs(FRA, SYD));
  });

  it("keeps evidence per node: one node's samples leave another's offset at 0", () => {
    const e = new NodeRttEvidence();
    for (let k = 0; k < 5; k++) e.observe('a', 'coordinator', FRA, FRA, 200);
    expect(e.offsetMs('a')).toBeGreaterThan(100);
    expect(e.offsetMs('b')).toBe(0);
    e.forget('a');
    expect(e.offsetMs('a')).toBe(0);
  });
});
