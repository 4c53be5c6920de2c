import { Node, type NodeInput } from '../../src/model/node.js';

/**
 * Builds a valid `Node` for tests: `node('a', { provider: 'aws', asn: 16509 })` fills the other required
 * labels with values of its own (`op-a`, `dc-a`, country `DE`) and a Frankfurt H100 box.
 */
export function testNode(
  id: string,
  labels: Record<string, string | number>,
  extra: Partial<Omit<NodeInput, 'id' | 'labels'>> = {},
): Node {
  return Node.parse({
    id,
    roles: ['inference'],
    location: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
    hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
    ...extra,
    labels: {
      provider: `p-${id}`,
      asn: `as-${id}`,
      datacenter: `dc-${id}`,
      operator: `op-${id}`,
      country: 'DE',
      ...labels,
    },
  });
}
