import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'import');
const NODES = join(FIXTURES, 'nodes.csv');
const RENAMED = join(FIXTURES, 'renamed.csv');
const SMALL = join(ROOT, 'scenarios', 'small.yaml');

describe('dimension names that do not exist are errors listing the valid ones (exit 2)', () => {
  it('analyze --dims provder on nodes.csv: exit 2, lists provider, asn, country (was: exit 0, "provder" 4 groups)', async () => {
    const r = await meridian('analyze', '--network', NODES, '--dims', 'provider,provder');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'meridian: analyze: --dims: unknown dimension "provder" (dimensions: provider, asn, country)',
    );
  });

  it('analyze --cluster-dims and --outage with a misspelt dimension on a scenario: exit 2 naming the flag', async () => {
    const cluster = await meridian('analyze', '--network', SMALL, '--cluster-dims', 'asn,contry');
    expect(cluster.code).toBe(2);
    expect(cluster.stderr).toContain(
      'analyze: --cluster-dims: unknown dimension "contry" (dimensions: provider, asn,',
    );
    const outage = await meridian('analyze', '--network', SMALL, '--outage', 'provder=aws');
    expect(outage.code).toBe(2);
    expect(outage.stderr).toContain('analyze: --outage: unknown dimension "provder"');
  });

  it('place --cap provder=0.3: exit 2 listing the dimensions before any solving', async () => {
    const r = await meridian('place', '--scenario', SMALL, '--add', '2', '--cap', 'provder=0.3');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'meridian: place: --cap: unknown dimension "provder" (dimensions: provider, asn, datacenter, operator, country, upstream, teeVendor, client)',
    );
  });
});

describe('analyze --map: reserved names refused; id and location columns mappable', () => {
  it('--map stake=… and --map location=… are refused with what to write instead', async () => {
    const stake = await meridian(
      'analyze',
      '--network',
      RENAMED,
      '--map',
      'provider=host',
      '--map',
      'stake=stake',
    );
    expect(stake.code).toBe(2);
    expect(stake.stderr).toContain(
      '--map stake=stake: "stake" is reserved, not a dimension; weights come from --weight COLUMN',
    );
    const location = await meridian('analyze', '--network', RENAMED, '--map', 'location=position');
    expect(location.code).toBe(2);
    expect(location.stderr).toContain('write coords=COLUMN for "lat,lon" cells');
  });

  it('--map coords=position reads "lat,lon" cells: 7 latency regions all served (without it: no locations)', async () => {
    const args = ['analyze', '--network', RENAMED, '--map', 'provider=host,asn=network', '--json'];
    const located = JSON.parse((await meridian(...args, '--map', 'coords=position')).stdout);
    expect(located.latency).toHaveLength(7);
    for (const l of located.latency) {
      expect(l.unserved).toBe(0);
      expect(l.meanMs).toBeGreaterThan(0);
    }
    expect(Object.keys(located.dimensions)).toEqual(['provider', 'asn']);
  });

  it('--map lat=… without lon=… is an error saying what is missing', async () => {
    const r = await meridian(
      'analyze',
      '--network',
      RENAMED,
      '--map',
      'provider=host',
      '--map',
      'lat=position',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'meridian: analyze: --map lat=… needs lon=… too (or coords=COLUMN for "lat,lon" cells)',
    );
  });
});
