import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'import');
const NODES = join(FIXTURES, 'nodes.csv');
const RENAMED = join(FIXTURES, 'renamed.csv');
const MAP = ['--map', 'provider=host,asn=network'];

describe('analyze says which weighting it used when a column looks like a weight', () => {
  const NOTICE =
    'column "stake" looks like a weight but no --weight was given: every member counts as 1 (pass --weight stake to weight members by it)';

  it('nodes.csv has a "stake" column: without --weight, a notice in the text and in --json network.notices', async () => {
    const text = await meridian('analyze', '--network', NODES);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Note: ${NOTICE}`);
    expect(text.stdout).toContain('4 members, weighted by count');
    const json = JSON.parse((await meridian('analyze', '--network', NODES, '--json')).stdout);
    expect(json.network.notices).toEqual([NOTICE]);
    expect(json.network.weighting).toBe('count');
  });

  it('with --weight stake there is no notice and the weighting is stake', async () => {
    const json = JSON.parse(
      (await meridian('analyze', '--network', NODES, '--weight', 'stake', '--json')).stdout,
    );
    expect(json.network.notices).toEqual([]);
    expect(json.network.weighting).toBe('stake');
  });
});

describe('analyze reports members without a value as unknown, and a network without locations as such', () => {
  it('node d has no asn: asn has 2 groups and 25% unknown (was 3 groups, d counted as independent)', async () => {
    const json = JSON.parse((await meridian('analyze', '--network', RENAMED, ...MAP, '--json')).stdout);
    expect(json.dimensions.asn).toMatchObject({ groups: 2, unknown: 0.25 });
    // Known: 24940 holds 2 of 3 → HHI (2/3)² + (1/3)² = 5/9.
    expect(json.dimensions.asn.hhi).toBeCloseTo(5 / 9, 12);
    const text = (await meridian('analyze', '--network', RENAMED, ...MAP)).stdout;
    expect(text).toMatch(/\(unknown\)\s+25\.0%/);
  });

  it('no member has a location: "Latency: no locations", no "unserved 100%", --json latency [] and located 0', async () => {
    const text = (await meridian('analyze', '--network', RENAMED, ...MAP)).stdout;
    expect(text).toContain('Latency: no locations');
    expect(text).not.toContain('mean RTT ms');
    expect(text).not.toContain('unserved');
    expect(text).toContain('no locations       -');
    const json = JSON.parse((await meridian('analyze', '--network', RENAMED, ...MAP, '--json')).stdout);
    expect(json.latency).toEqual([]);
    expect(json.located).toBe(0);
  });
});
