import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../errors.js';
import { mappingFor } from './load.js';
import { applyMapping, parseMapFlags } from './mapping.js';
import { presetByName } from './presets.js';
import { csvTable } from './table.js';

const CSV = [
  'account,asn,data_center_key,country,software_client,active_stake_lamports,is_active,delinquent,latitude,longitude',
  'v1,24940,24940-DE-Falkenstein,DE,agave,300,True,False,50.47,12.37',
  'v2,24940,24940-FI-Helsinki,FI,jito,200,True,True,60.17,24.94',
  'v3,16509,16509-US-Ashburn,US,jito,0,True,False,39.04,-77.49',
  'v4,16509,16509-US-Ashburn,,jito,100,True,False,,',
].join('\n');

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('column mapping', () => {
  const table = csvTable(CSV, 'v.csv');

  it('keeps live validators only with the solana-validators preset and weighs them by stake', () => {
    const { members, skipped } = applyMapping(table, presetByName('solana-validators')!.mapping);
    expect(skipped).toBe(2);
    expect(members.map((m) => [m.id, m.stake])).toEqual([
      ['v1', 300],
      ['v4', 100],
    ]);
    expect(members[0]).toEqual({
      id: 'v1',
      stake: 300,
      labels: {
        asn: { value: '24940' },
        datacenter: { value: '24940-DE-Falkenstein' },
        country: { value: 'DE' },
        client: { value: 'agave' },
        validator: { value: 'v1' },
      },
      location: { lat: 50.47, lon: 12.37 },
    });
    // An empty cell is no label; no coordinates is no location.
    expect(members[1]!.labels.country).toBeUndefined();
    expect(members[1]!.location).toBeUndefined();
  });

  it('adds --map dimensions to the preset and names the flag when its column is unknown', () => {
    const { mapping } = mappingFor(table, { preset: 'solana-validators', map: { region: 'country' } });
    expect(Object.keys(mapping.dimensions)).toEqual([
      'asn',
      'datacenter',
      'country',
      'client',
      'validator',
      'region',
    ]);
    const { mapping: bad, origin } = mappingFor(table, { map: { asn: 'ASNX' } });
    const e = errorOf(() => applyMapping(table, bad, origin));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe(
      'v.csv:1: row 1, column "ASNX": --map asn=ASNX names a column the header does not have (columns: account, asn, data_center_key, country, software_client, active_stake_lamports, is_active, delinquent, latitude, longitude)',
    );
  });

  it('names file, line, row and column of a weight that is not a number', () => {
    const t = csvTable('id,asn,stake\na,1,10\nb,2,lots\nc,3,-1\n', 's.csv');
    const { mapping, origin } = mappingFor(t, { weight: 'stake' });
    expect(errorOf(() => applyMapping(t, mapping, origin)).message).toBe(
      [
        's.csv:3: row 2, column "stake": expected a non-negative number (got "lots")',
        's.csv:4: row 3, column "stake": expected a non-negative number (got "-1")',
      ].join('\n'),
    );
  });

  it('lists the first 20 bad weights of 25 and says 5 more are not listed', () => {
    const rows = Array.from({ length: 25 }, (_, k) => `n${k},${k},bad`).join('\n');
    const t = csvTable(`id,asn,stake\n${rows}\n`, 'w.csv');
    const { mapping, origin } = mappingFor(t, { weight: 'stake' });
    const lines = errorOf(() => applyMapping(t, mapping, origin)).message.split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[19]).toBe('w.csv:21: row 20, column "stake": expected a non-negative number (got "bad")');
    expect(lines[20]).toBe('w.csv: and 5 more problems like these, not listed');
  });

  it('uses columns named like a dimension when nothing is mapped, and refuses a table without any', () => {
    const t = csvTable('id,provider,country,lat,lon\na,aws,US,39,-77\n', 'p.csv');
    const { mapping } = mappingFor(t, {});
    expect(mapping).toMatchObject({
      dimensions: { provider: 'provider', country: 'country' },
      id: 'id',
      lat: 'lat',
    });
    const none = csvTable('x,y\n1,2\n', 'n.csv');
    expect(errorOf(() => mappingFor(none, {}))).toBeInstanceOf(UsageError);
  });

  it('refuses an unknown preset and a malformed --map flag', () => {
    expect(errorOf(() => mappingFor(table, { preset: 'ethereum' })).message).toContain(
      'unknown preset "ethereum"',
    );
    expect(() => parseMapFlags(['asn'])).toThrow(UsageError);
    expect(() => parseMapFlags(['1x=col'])).toThrow(UsageError);
    expect(parseMapFlags(['asn=ASN', 'dc = data center'])).toEqual({ asn: 'ASN', dc: 'data center' });
  });
});

describe('--map roles: id, lat/lon and coords', () => {
  const table = csvTable(
    [
      'node,host,position,y,x',
      'a,h1,"50.11,8.68",50.11,8.68',
      'b,h2,,,',
      'c,h1,"39.04 -77.49",39.04,-77.49',
    ].join('\n'),
    'roles.csv',
  );

  it('id=node names the members; coords=position reads "lat,lon" and "lat lon" cells; an empty cell is no location', () => {
    const { mapping } = mappingFor(table, { map: parseMapFlags(['host=host,id=node', 'coords=position']) });
    const { members } = applyMapping(table, mapping);
    expect(members.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(members.map((m) => m.location)).toEqual([
      { lat: 50.11, lon: 8.68 },
      undefined,
      { lat: 39.04, lon: -77.49 },
    ]);
    expect(Object.keys(mapping.dimensions)).toEqual(['host']);
  });

  it('lat=y,lon=x in one flag gives the same locations as coords', () => {
    const { mapping } = mappingFor(table, { map: parseMapFlags(['host=host,lat=y,lon=x']) });
    expect(applyMapping(table, mapping).members[2]!.location).toEqual({ lat: 39.04, lon: -77.49 });
  });

  it('a coords cell that is not two coordinates is an error naming row, column and value', () => {
    const bad = csvTable('host,position\nh1,"95,8"\n', 'bad.csv');
    const { mapping, origin } = mappingFor(bad, { map: { host: 'host', coords: 'position' } });
    expect(errorOf(() => applyMapping(bad, mapping, origin)).message).toContain(
      'row 1, column "position": expected "lat,lon" with lat in [-90, 90] and lon in [-180, 180] (got "95,8")',
    );
  });

  it('weight, stake, latitude, longitude, lng and location are refused as dimension names', () => {
    for (const name of ['weight', 'stake', 'latitude', 'longitude', 'lng', 'location']) {
      expect(() => parseMapFlags([`${name}=c`])).toThrow(/is reserved, not a dimension/);
    }
  });
});
