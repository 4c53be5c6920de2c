import { describe, expect, it } from 'vitest';
import { type DataChallenge, dataProofUrl } from './data-proof.js';
import { Descriptor, withDatasets } from './protocol.js';

const base = {
  id: 'd1',
  roles: ['inference'],
  location: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
  labels: { provider: 'p', asn: 'a', datacenter: 'dc', operator: 'op-a', country: 'DE' },
  hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
};
const held = { id: 'wiki', sizeGb: 5, root: 'ab'.repeat(32), chunks: 20, chunkBytes: 4096 };

describe('a data node descriptor', () => {
  it('carries datasets on a node with role data, version 1 by default', () => {
    const d = Descriptor.parse({ ...base, roles: ['inference', 'data'], datasets: [held] });
    expect(d.datasets).toEqual([{ ...held, version: 1 }]);
  });

  it('refuses datasets on a node without role data, a dataset listed twice and a root of 63 digits', () => {
    const issues = (v: unknown) =>
      Descriptor.safeParse(v).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues({ ...base, datasets: [held] })).toEqual([
      ['datasets', 'only a node with role "data" holds datasets'],
    ]);
    expect(issues({ ...base, roles: ['data'], datasets: [held, held] })).toEqual([
      ['datasets.1.id', 'dataset wiki is listed twice'],
    ]);
    expect(
      issues({ ...base, roles: ['data'], datasets: [{ ...held, root: 'a'.repeat(63) }] })?.[0]?.[0],
    ).toBe('datasets.0.root');
  });

  it('withDatasets adds role data once and appends the datasets; nothing to add leaves the node as it was', () => {
    const node = Descriptor.parse(base);
    expect(withDatasets(node, [])).toBe(node);
    const one = withDatasets(node, [{ ...held, version: 2 }]);
    expect(one.roles).toEqual(['inference', 'data']);
    expect(withDatasets(one, [{ ...held, id: 'code', version: 1 }]).roles).toEqual(['inference', 'data']);
    expect(Descriptor.safeParse(one).success).toBe(true);
  });

  it('puts the challenge below the endpoint path: /node/7 → /node/7/meridian/dataset-proof?…', () => {
    const c: DataChallenge = { nonce: 'A'.repeat(43), dataset: 'a/b', version: 3, index: 12 };
    expect(dataProofUrl('http://127.0.0.1:9/node/7/', c)).toBe(
      `http://127.0.0.1:9/node/7/meridian/dataset-proof?nonce=${'A'.repeat(43)}&dataset=a%2Fb&version=3&index=12`,
    );
  });
});
