import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
});
