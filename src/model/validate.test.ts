import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { Node } from './node.js';
import { formatPath, parseOrThrow } from './validate.js';

const node = {
  id: 'n1',
  roles: ['inference'],
  location: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
  labels: { provider: 'hetzner', asn: 24940, datacenter: 'fsn1', operator: 'op-1', country: 'DE' },
  hardware: { accelerator: 'h100', count: 8, memoryGb: 80 },
};

/** The error message of parsing `v` with `schema` from source `f`, or "accepted". */
function message(schema: z.ZodType, v: unknown): string {
  try {
    parseOrThrow(schema, v, 'f');
  } catch (e) {
    return (e as InputError).message;
  }
  return 'accepted';
}

describe('range messages', () => {
  it('a strict bound reads "> 0" and "< 1", an inclusive one "≥ 0" and "≤ 1"', () => {
    expect(message(z.number().positive(), 0)).toBe('f: expected > 0 (got 0)');
    expect(message(z.number().lt(1), 1)).toBe('f: expected < 1 (got 1)');
    expect(message(z.number().min(0), -1)).toBe('f: expected ≥ 0 (got -1)');
    expect(message(z.number().max(1), 2)).toBe('f: expected ≤ 1 (got 2)');
  });

  it('an array bound of 1 reads "1 item", of 2 "2 items"; a discriminator lists the allowed values', () => {
    expect(message(z.array(z.number()).min(1), [])).toBe('f: expected at least 1 item (got [])');
    expect(message(z.array(z.number()).max(2), [1, 2, 3])).toBe('f: expected at most 2 items (got [1,2,3])');
    const kind = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('outage') }),
      z.object({ kind: z.literal('random') }),
    ]);
    expect(message(kind, { kind: 'outgae' })).toBe(
      'f: kind: expected one of "outage", "random" (got "outgae")',
    );
  });
});

describe('formatPath', () => {
  it('writes array indices in brackets and fields with dots', () => {
    expect(formatPath(['network', 'nodes', 12, 'location', 'lat'])).toBe('network.nodes[12].location.lat');
  });
  it('quotes keys that are not identifiers', () => {
    expect(formatPath(['performance', 'a100-80'])).toBe('performance["a100-80"]');
  });
  it('is empty for the root', () => {
    expect(formatPath([])).toBe('');
  });
});

describe('Node schema', () => {
  it('accepts bare label values as declared and fills defaults', () => {
    const n = parseOrThrow(Node, node, 'inline');
    expect(n.labels.asn).toEqual({ value: '24940', provenance: 'declared' });
    expect(n.slots).toBe(8);
    expect(n.verification).toEqual(['vanilla']);
  });

  it('names the path, the value and the expectation of an out-of-range latitude', () => {
    const bad = { ...node, location: { ...node.location, lat: 123 } };
    try {
      parseOrThrow(Node, bad, 'nodes.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).message).toBe('nodes.yaml: location.lat: expected ≤ 90 (got 123)');
    }
  });

  it('requires the five core labels', () => {
    const { operator: _, ...labels } = node.labels;
    expect(() => parseOrThrow(Node, { ...node, labels }, 'x')).toThrow(
      'labels.operator: missing required label',
    );
  });
});
