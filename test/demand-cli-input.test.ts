import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { meridian } from './support/cli.js';
import { sharedFile } from './support/shared-data.js';

/**
 * `meridian demand --trace` on bad input and contradictory options: exit code 2 and a message naming the
 * file, row or flag and the value, never a crash, a hang or a stack trace.
 */

const dir = mkdtempSync(join(tmpdir(), 'meridian-demand-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function trace(name: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, ['TIMESTAMP,ContextTokens,GeneratedTokens', ...rows, ''].join('\n'));
  return path;
}

/** `n` rows 10 s apart from 2023-11-16 18:00:00: `n` buckets of 10 s. */
function every10s(name: string, n: number): string {
  const t0 = Date.UTC(2023, 10, 16, 18);
  const at = (k: number) => new Date(t0 + k * 10_000).toISOString().slice(0, 19).replace('T', ' ');
  return trace(
    name,
    Array.from({ length: n }, (_, k) => `${at(k)},100,10`),
  );
}

function refusedCleanly(r: { code: number; stderr: string }): void {
  expect(r.code).toBe(2);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('meridian demand --trace: spans too long for buckets', () => {
  const far = trace('far.csv', ['0001-01-01 00:00:00,10,5', '9999-12-31 23:59:59,10,5']);

  it('refuses 0001-01-01 to 9999-12-31 at 10 s buckets (31,553,789,760 > 1,000,000) and suggests --bucket 315538, which works', async () => {
    const r = await meridian('demand', '--trace', far);
    refusedCleanly(r);
    expect(r.stderr).toBe(
      `meridian: ${far}: TIMESTAMP: the rows span 3,652,059 days: at --bucket 10 that is 31,553,789,760 buckets, more than the limit of 1,000,000; give --bucket 315538 or more`,
    );
    const ok = await meridian('demand', '--trace', far, '--bucket', '315538', '--json');
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { series: Array<{ buckets: number }> }).series[0]!.buckets).toBe(
      1_000_000,
    );
  });

  it('refuses 20 years of rows at 10 s buckets (63,115,200 buckets), suggesting --bucket 632', async () => {
    const span = trace('span.csv', ['2023-11-16 18:15:46.6805900,10,5', '2043-11-16 18:15:46,10,5']);
    const r = await meridian('demand', '--trace', span);
    refusedCleanly(r);
    expect(r.stderr).toContain(
      'the rows span 7,305 days: at --bucket 10 that is 63,115,200 buckets, more than the limit of 1,000,000; give --bucket 632 or more',
    );
  });
});

describe('meridian demand --trace: bad rows', () => {
  it.each([
    [
      'month 13',
      '2023-13-45 99:99:99,10,5',
      ':2: row 2, column TIMESTAMP: no such date and time: month 13 is not 01–12 (got "2023-13-45 99:99:99")',
    ],
    [
      '30 February',
      '2023-02-30 10:00:00,1,5',
      ':2: row 2, column TIMESTAMP: no such date and time: February 2023 has 28 days, not 30 (got "2023-02-30 10:00:00")',
    ],
    [
      '3,000,000,000 tokens',
      '2023-11-16 18:15:46,3000000000,5',
      ':2: row 2, column ContextTokens: more than 2147483647 tokens, the most a count may hold (a 32-bit integer) (got "3000000000")',
    ],
  ])('refuses a row with %s with exit code 2, naming file, line, column and value', async (_, row, where) => {
    const file = trace(`bad-${row.slice(0, 4)}-${row.length}.csv`, [row]);
    const r = await meridian('demand', '--trace', file);
    refusedCleanly(r);
    expect(r.stderr).toBe(`meridian: ${file}${where}`);
  });

  it('sorts a row 1,415.8 days back in time with a warning naming line 3, and then measures the span from it', async () => {
    const back = trace('back.csv', ['2023-11-16 18:15:46.6805900,10,5', '2020-01-01 00:00:00,1,1']);
    const warning = `warning: ${back}:3: row 3, column TIMESTAMP: goes back in time, earlier than row 2; the 2 rows were sorted by time (1 of them earlier than the row before) (got "2020-01-01 00:00:00")`;
    const r = await meridian('demand', '--trace', back, '--bucket', '200', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(warning);
    const s = (JSON.parse(r.stdout) as { series: Array<{ buckets: number; requests: number; last: number }> })
      .series[0]!;
    // 1,415 days 18:15:46.68 = 122,321,746,680.59 ms → 611,609 buckets of 200 s; the 2020 row is the first.
    expect([s.buckets, s.requests, s.last]).toEqual([611_609, 2, 1]);
    const refused = await meridian('demand', '--trace', back);
    refusedCleanly(refused);
    expect(refused.stderr).toContain(warning);
    expect(refused.stderr).toContain('the rows span 1,415.8 days');
  });
});

describe('meridian demand: --season and --horizon', () => {
  const hundred = every10s('hundred.csv', 100);

  it('takes --season 50 on 100 buckets and refuses 51 and 1,000,000,000 (a season takes two seasons of data)', async () => {
    const ok = await meridian('demand', '--trace', hundred, '--season', '50', '--json');
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { season: number; horizon: number }).season).toBe(50);
    for (const season of ['51', '1000000000']) {
      const r = await meridian('demand', '--trace', hundred, '--season', season);
      refusedCleanly(r);
      expect(r.stderr).toBe(
        `meridian: demand: --season ${season}: the series have 100 bucket(s) of 10 s and fitting a season takes two seasons of data, so at most 50 here`,
      );
    }
  });

  it('forecasts a third of the trace ahead by default (991 buckets of 1 s: 330), not its day-long season (86,400), and refuses --horizon 10001', async () => {
    const r = await meridian('demand', '--trace', hundred, '--bucket', '1', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { season: number; horizon: number; series: { buckets: number }[] };
    expect([doc.season, doc.series[0]!.buckets, doc.horizon]).toEqual([86_400, 991, 330]);
    refusedCleanly(await meridian('demand', '--trace', hundred, '--horizon', '10001'));
  });

  const conv = sharedFile('traces/azure-llm-2023-conv.csv');
  it.skipIf(conv === undefined)(
    'refuses --season 1000000000 and --season 100000 on the Azure conversation trace (351 buckets of 10 s: at most 175)',
    async () => {
      for (const season of ['1000000000', '100000']) {
        const r = await meridian('demand', '--trace', conv!, '--season', season);
        refusedCleanly(r);
        expect(r.stderr).toContain('so at most 175 here');
      }
    },
  );
});

describe('meridian demand: options of another source', () => {
  const one = trace('one.csv', ['2023-11-16 18:15:46.6805900,10,5']);

  it.each([
    [['--policy', 'x'], '--policy applies only with --results (got --trace)'],
    [['--group', 'metro'], '--group applies only with --receipts (got --trace)'],
  ])('refuses %j with --trace', async (extra, message) => {
    const r = await meridian('demand', '--trace', one, ...extra);
    refusedCleanly(r);
    expect(r.stderr).toBe(`meridian: demand: ${message}\nRun "meridian demand --help" for usage.`);
  });
});
