import { describe, expect, it } from 'vitest';
import { Node } from '../model/node.js';
import { Rng } from '../util/rng.js';
import { failureSchedule } from './failures.js';

function node(id: string, provider: string) {
  return Node.parse({
    id,
    roles: ['inference'],
    location: { lat: 0, lon: 0, metro: 'x' },
    labels: { provider, asn: '1', datacenter: 'd', operator: 'o', country: 'DE' },
    hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
  });
}

describe('failureSchedule', () => {
  const nodes = [node('a', 'aws'), node('b', 'gcp'), node('c', 'aws')];

  it('takes every node matching an outage selector down at atS and back after durationS', () => {
    const s = failureSchedule(
      [{ kind: 'outage', atS: 10, durationS: 5, selector: { provider: ['aws'] } }],
      nodes,
      60,
      new Rng(1),
    );
    expect(s).toEqual([
      { tMs: 10_000, node: 0, down: true },
      { tMs: 10_000, node: 2, down: true },
      { tMs: 15_000, node: 0, down: false },
      { tMs: 15_000, node: 2, down: false },
    ]);
  });

  it('leaves out outages that start after the end and selectors that are empty', () => {
    expect(
      failureSchedule(
        [{ kind: 'outage', atS: 100, durationS: 5, selector: { provider: ['aws'] } }],
        nodes,
        60,
        new Rng(1),
      ),
    ).toEqual([]);
    expect(
      failureSchedule([{ kind: 'outage', atS: 1, durationS: 5, selector: {} }], nodes, 60, new Rng(1)),
    ).toEqual([]);
  });

  it('draws random failures reproducibly, with a down fraction near MTTR / (MTBF + MTTR)', () => {
    const many = Array.from({ length: 400 }, (_, i) => node(`n${i}`, 'p'));
    const spec = [{ kind: 'random' as const, mtbfHours: 2, mttrMinutes: 30 }];
    const a = failureSchedule(spec, many, 20 * 3600, new Rng(5));
    expect(failureSchedule(spec, many, 20 * 3600, new Rng(5))).toEqual(a);
    // time-average share of nodes down over the second half of the run (steady state): 0.5 / 2.5 = 0.2
    let downMs = 0;
    const lo = 10 * 3600_000;
    const hi = 20 * 3600_000;
    const start = new Map<number, number>();
    for (const e of a) {
      if (e.down) start.set(e.node, e.tMs);
      else {
        const s = start.get(e.node)!;
        downMs += Math.max(0, Math.min(e.tMs, hi) - Math.max(s, lo));
        start.delete(e.node);
      }
    }
    for (const s of start.values()) downMs += Math.max(0, hi - Math.max(s, lo));
    const share = downMs / (many.length * (hi - lo));
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
  });
});
