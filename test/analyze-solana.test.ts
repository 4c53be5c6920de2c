import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { meridian } from './support/cli.js';
import { ROOT, sharedFile } from './support/shared-data.js';

// Everything below recomputes the expected numbers from the raw CSV with its own parser and exact
// integer sums (BigInt lamports), independently of src/resilience and src/import.

const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const CSV = sharedFile('networks/solana-validators-epoch860.csv');

/** Minimal CSV reader for this file: comma separated, fields may be double-quoted with "" escapes. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    const fields: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let value = '';
        i++;
        while (i < line.length) {
          if (line[i] === '"' && line[i + 1] === '"') {
            value += '"';
            i += 2;
          } else if (line[i] === '"') {
            i++;
            break;
          } else value += line[i++];
        }
        fields.push(value);
        i++; // the comma
      } else {
        const end = line.indexOf(',', i);
        const stop = end < 0 ? line.length : end;
        fields.push(line.slice(i, stop));
        i = stop + 1;
      }
    }
    rows.push(fields);
  }
  return rows;
}

interface Expected {
  groups: number;
  hhi: number;
  nakamoto: Record<'1/3' | '1/2' | '2/3', number>;
  topValue: string;
  topShare: number;
}

/**
 * Group stakes per value. An empty cell is unknown: left out of the groups, HHI and Nakamoto (computed
 * among the known), while top shares are of all the stake (the analysis' stated convention).
 */
function expectedFor(live: Record<string, string>[], column: string): Expected {
  const byValue = new Map<string, bigint>();
  let all = 0n;
  for (const r of live) {
    const stake = BigInt(r.active_stake_lamports!);
    all += stake;
    const v = r[column]!;
    if (v !== '') byValue.set(v, (byValue.get(v) ?? 0n) + stake);
  }
  const groups = [...byValue.values()];
  groups.sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  const total = groups.reduce((a, b) => a + b, 0n);
  const hhi = groups.reduce((s, g) => s + (Number(g) / Number(total)) ** 2, 0);
  // Smallest k with (sum of the k largest) / total > num / den, compared exactly in integers.
  const nak = (num: bigint, den: bigint) => {
    let cum = 0n;
    for (let k = 0; k < groups.length; k++) {
      cum += groups[k]!;
      if (cum * den > total * num) return k + 1;
    }
    return Number.POSITIVE_INFINITY;
  };
  const [topValue, topStake] = [...byValue].sort((a, b) => (a[1] > b[1] ? -1 : a[1] < b[1] ? 1 : 0))[0]!;
  return {
    groups: groups.length,
    hhi,
    nakamoto: { '1/3': nak(1n, 3n), '1/2': nak(1n, 2n), '2/3': nak(2n, 3n) },
    topValue,
    topShare: Number(topStake) / Number(all),
  };
}

describe.skipIf(CSV === undefined)('meridian analyze on the Solana validator snapshot (epoch 860)', () => {
  // The describe body is collected even when skipped: read nothing without the file.
  const [header = [], ...body] = CSV === undefined ? [] : readCsv(readFileSync(CSV, 'utf8'));
  const records = body.map((f) => Object.fromEntries(header!.map((h, k) => [h, f[k] ?? ''])));
  const live = records.filter(
    (r) => r.is_active === 'True' && r.delinquent === 'False' && BigInt(r.active_stake_lamports || '0') > 0n,
  );

  it('reads the raw file as 963 validators of which 954 are live (active, not delinquent, stake > 0)', () => {
    expect(body.every((f) => f.length === header!.length)).toBe(true);
    expect(records).toHaveLength(963);
    expect(live).toHaveLength(954);
  });

  it('reports HHI, Nakamoto at 1/3, 1/2, 2/3, group counts and the top value per dimension as recomputed from the rows', () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" before this test`);
    const out = execFileSync(
      process.execPath,
      [CLI, 'analyze', '--network', CSV!, '--preset', 'solana-validators', '--json'],
      { encoding: 'utf8' },
    );
    const report = JSON.parse(out) as {
      network: { members: number; weighting: string };
      dimensions: Record<
        string,
        {
          groups: number;
          hhi: number;
          nakamoto: Expected['nakamoto'];
          top: { value: string; share: number }[];
        }
      >;
      whatif: unknown[];
    };
    expect(report.network.members).toBe(live.length);
    expect(report.network.weighting).toBe('stake');
    const columns = {
      asn: 'asn',
      datacenter: 'data_center_key',
      country: 'country',
      client: 'software_client',
      validator: 'account',
    };
    expect(Object.keys(report.dimensions)).toEqual(Object.keys(columns));
    for (const [dim, column] of Object.entries(columns)) {
      const want = expectedFor(live, column);
      const got = report.dimensions[dim]!;
      expect({ dim, groups: got.groups, nakamoto: got.nakamoto }).toEqual({
        dim,
        groups: want.groups,
        nakamoto: want.nakamoto,
      });
      expect(got.hhi).toBeCloseTo(want.hhi, 12);
      expect(got.top[0]!.value).toBe(want.topValue);
      expect(got.top[0]!.share).toBeCloseTo(want.topShare, 12);
    }
    expect(report.whatif.length).toBeGreaterThan(0);
  });

  it('the preset reports a validator dimension (identity account): 954 values, Nakamoto 1/3 recomputed from the rows', async () => {
    const r = await meridian('analyze', '--network', CSV!, '--preset', 'solana-validators', '--json');
    const report = JSON.parse(r.stdout) as {
      dimensions: Record<string, { groups: number; nakamoto: object }>;
    };
    const want = expectedFor(live, 'account');
    expect(want.groups).toBe(954);
    expect(report.dimensions.validator).toMatchObject({ groups: 954, nakamoto: want.nakamoto });
  });

  it('default dependency clusters link through asn and datacenter only: as many clusters as ASN-linked groups (not 1 of 954), Nakamoto 1/3 = 2', async () => {
    // Union-find over shared asn or data_center_key values, recomputed here from the rows.
    const parent = live.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
    for (const column of ['asn', 'data_center_key']) {
      const first = new Map<string, number>();
      live.forEach((row, i) => {
        const v = row[column]!;
        if (v === '') return;
        const f = first.get(v);
        if (f === undefined) first.set(v, i);
        else parent[find(i)] = find(f);
      });
    }
    const known = live.filter((row) => row.asn !== '' || row.data_center_key !== '');
    const stakeByRoot = new Map<number, bigint>();
    live.forEach((row, i) => {
      if (row.asn === '' && row.data_center_key === '') return;
      stakeByRoot.set(find(i), (stakeByRoot.get(find(i)) ?? 0n) + BigInt(row.active_stake_lamports!));
    });
    const stakes = [...stakeByRoot.values()].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
    const total = stakes.reduce((a, b) => a + b, 0n);
    let cum = 0n;
    let third = 0;
    while (cum * 3n <= total) cum += stakes[third++]!;

    const r = await meridian('analyze', '--network', CSV!, '--preset', 'solana-validators', '--json');
    const { clusters } = JSON.parse(r.stdout) as {
      clusters: {
        dimensions: string[];
        count: number;
        nakamoto: Record<string, number>;
        largest: { members: number; share: number }[];
      };
    };
    expect(clusters.dimensions).toEqual(['asn', 'datacenter']);
    expect(known.length).toBe(954);
    expect(clusters.count).toBe(stakes.length);
    expect(clusters.count).toBeGreaterThan(50);
    expect(clusters.nakamoto['1/3']).toBe(third);
    expect(third).toBe(2);
    expect(clusters.largest[0]!.share).toBeCloseTo(Number(stakes[0]!) / Number(total), 12);
    expect(clusters.largest[0]!.members).toBeLessThan(200);
  });

  it('--cluster-dims country,client still chains everything into the one cluster of 954 (why they are not the default)', async () => {
    const r = await meridian(
      'analyze',
      '--network',
      CSV!,
      '--preset',
      'solana-validators',
      '--cluster-dims',
      'asn,datacenter,country,client',
      '--json',
    );
    const { clusters } = JSON.parse(r.stdout) as {
      clusters: { count: number; largest: { members: number }[] };
    };
    expect(clusters.count).toBe(1);
    expect(clusters.largest[0]!.members).toBe(954);
  });
});
