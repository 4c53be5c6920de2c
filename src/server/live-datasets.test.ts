import { describe, expect, it } from 'vitest';
import type { HeldDataset } from '../model/dataset.js';
import { liveDatasets } from './live-datasets.js';

const held = (id: string, version: number, root: string, sizeGb = 10): HeldDataset => ({
  id,
  version,
  sizeGb,
  root: root.repeat(64 / root.length),
  chunks: 4,
  chunkBytes: 4096,
});

describe('liveDatasets: the view of proven copies', () => {
  it('is empty without proven copies', () => {
    expect(liveDatasets([])).toEqual([]);
    expect(liveDatasets([{ nodeId: 'a', held: [] }])).toEqual([]);
  });

  it('lists 2 datasets by id with their 2 and 1 holders, in node order', () => {
    const out = liveDatasets([
      { nodeId: 'n1', held: [held('wiki', 1, 'a'), held('code', 1, 'c', 40)] },
      { nodeId: 'n2', held: [held('wiki', 1, 'a')] },
    ]);
    expect(out).toEqual([
      { id: 'code', sizeGb: 40, heldBy: ['n1'] },
      { id: 'wiki', sizeGb: 10, heldBy: ['n1', 'n2'] },
    ]);
  });

  it('counts only copies of the highest version: a node with version 2 holds it, one with version 1 does not', () => {
    const out = liveDatasets([
      { nodeId: 'old', held: [held('wiki', 1, 'a', 8)] },
      { nodeId: 'new', held: [held('wiki', 2, 'b', 12)] },
    ]);
    expect(out).toEqual([{ id: 'wiki', sizeGb: 12, heldBy: ['new'] }]);
  });

  it('at one version, the root 2 nodes hold wins over the root 1 node holds; a 1–1 tie goes to the smaller root', () => {
    const two = liveDatasets([
      { nodeId: 'x', held: [held('wiki', 1, 'f')] },
      { nodeId: 'y', held: [held('wiki', 1, 'b')] },
      { nodeId: 'z', held: [held('wiki', 1, 'b')] },
    ]);
    expect(two[0]!.heldBy).toEqual(['y', 'z']);
    const tie = liveDatasets([
      { nodeId: 'x', held: [held('wiki', 1, 'f')] },
      { nodeId: 'y', held: [held('wiki', 1, 'b')] },
    ]);
    expect(tie[0]!.heldBy).toEqual(['y']);
  });
});
