import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, type InputIssue } from '../../errors.js';
import { loadTraceCsv, MAX_TRACE_TOKENS, parseTimestampMs, parseTraceCsv } from './trace-csv.js';

const HEADER = 'TIMESTAMP,ContextTokens,GeneratedTokens';
const dir = mkdtempSync(join(tmpdir(), 'meridian-trace-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A trace file of `rows` under the standard header, for the streamed loader. */
function file(name: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, [HEADER, ...rows, ''].join('\n'));
  return path;
}

describe('parseTraceCsv', () => {
  it('turns Azure-style timestamps into sorted offsets from the first request', () => {
    const text = [
      'TIMESTAMP,ContextTokens,GeneratedTokens',
      '2023-11-16 18:15:50.9951690,396,109',
      '2023-11-16 18:15:46.6805900,374,44',
      '2023-11-16 18:16:46.6805900,10,0',
      '',
    ].join('\n');
    const t = parseTraceCsv(text, 'trace.csv');
    expect(Array.from(t.offsetsMs)).toEqual([0, 4314.579, 60_000].map((x) => expect.closeTo(x, 6)));
    expect(Array.from(t.input)).toEqual([374, 396, 10]);
    expect(Array.from(t.output)).toEqual([44, 109, 0]);
    expect(Array.from(parseTraceCsv(text, 'x', 0.5).offsetsMs)[2]).toBeCloseTo(30_000, 6);
  });

  it('parses timestamps as UTC with fractional seconds', () => {
    expect(parseTimestampMs('1970-01-01 00:00:01.5')).toBe(1500);
    expect(parseTimestampMs('yesterday')).toBeNaN();
  });

  it('names the file, row and column of a bad cell', () => {
    const text =
      'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.68,374,44\n2023-11-16 18:15:47.00,many,44\n';
    expect(() => parseTraceCsv(text, 'trace.csv')).toThrow(InputError);
    expect(() => parseTraceCsv(text, 'trace.csv')).toThrow(
      'trace.csv:3: row 3, column ContextTokens: expected a whole number ≥ 0 (got "many")',
    );
    expect(() => parseTraceCsv('when,in,out\n', 'bad.csv')).toThrow('bad.csv:1: header: expected columns');
  });

  it.each([
    ['2023-13-45 99:99:99', 'month 13 is not 01–12'],
    ['2023-02-30 10:00:00', 'February 2023 has 28 days, not 30'],
    ['2100-02-29 00:00:00', 'February 2100 has 28 days, not 29'],
    ['2023-04-31 00:00:00', 'April 2023 has 30 days, not 31'],
    ['2023-11-16 24:00:00', 'hour 24 is not 00–23'],
    ['2023-11-16 18:60:00', 'minute 60 is not 00–59'],
    ['2016-12-31 23:59:60.5', 'second 60 is not 00–59'],
  ])('refuses the impossible timestamp %s on line 3, naming file, row, column and value (%s)', (ts, why) => {
    const rows = ['2023-11-16 18:15:46,1,2', `${ts},1,2`];
    const expected = `t.csv:3: row 3, column TIMESTAMP: no such date and time: ${why} (got "${ts}")`;
    expect(() => parseTraceCsv([HEADER, ...rows].join('\n'), 't.csv')).toThrow(expected);
    const path = file('impossible.csv', rows);
    expect(() => loadTraceCsv(path)).toThrow(expected.replace('t.csv', path));
    expect(parseTimestampMs(ts)).toBeNaN();
  });

  it('accepts 29 February in 2024 and 2000, and reads years 0001–0099 as written: 0001-01-01 00:00:00 to 9999-12-31 23:59:59 is 3,652,058 days and 86,399 s', () => {
    expect(parseTimestampMs('2024-02-29 12:00:00')).toBe(Date.UTC(2024, 1, 29, 12));
    expect(parseTimestampMs('2000-02-29 00:00:00')).toBe(951_782_400_000);
    expect(parseTimestampMs('0001-01-01 00:00:00')).toBe(-62_135_596_800_000);
    // Two rows 9,998 years apart are two offsets: storage is per row, never per millisecond or bucket.
    const t = loadTraceCsv(file('far.csv', ['0001-01-01 00:00:00,10,5', '9999-12-31 23:59:59,10,5']));
    expect(Array.from(t.offsetsMs)).toEqual([0, 3_652_058 * 86_400_000 + 86_399_000]);
  });

  it(`refuses a token count of 3000000000 (above ${MAX_TRACE_TOKENS}, the most an Int32 holds) on line 2, and keeps ${MAX_TRACE_TOKENS}`, () => {
    expect(MAX_TRACE_TOKENS).toBe(2 ** 31 - 1);
    const big = `${HEADER}\n2023-11-16 18:15:46,3000000000,5\n`;
    expect(() => parseTraceCsv(big, 'big.csv')).toThrow(
      'big.csv:2: row 2, column ContextTokens: more than 2147483647 tokens, the most a count may hold (a 32-bit integer) (got "3000000000")',
    );
    expect(() =>
      parseTraceCsv(`${HEADER}\n2023-11-16 18:15:46,5,99999999999999999999999\n`, 'b.csv'),
    ).toThrow('b.csv:2: row 2, column GeneratedTokens: more than 2147483647 tokens');
    const t = parseTraceCsv(`${HEADER}\n2023-11-16 18:15:46,2147483647,2147483647\n`, 'max.csv');
    expect([t.input[0], t.output[0]]).toEqual([2_147_483_647, 2_147_483_647]);
  });

  it('sorts 4 rows of which 2 go back in time and warns once, naming line 3 (earlier than row 2) and its timestamp', () => {
    const rows = [
      '2023-11-16 18:15:50,1,1',
      '2023-11-16 18:15:40.5,2,2',
      '2023-11-16 18:16:00,3,3',
      '2023-11-16 18:15:59,4,4',
    ];
    const warnings: InputIssue[] = [];
    const t = parseTraceCsv([HEADER, ...rows].join('\n'), 'back.csv', 1, { warnings });
    expect(Array.from(t.input)).toEqual([2, 1, 4, 3]);
    expect(Array.from(t.offsetsMs)).toEqual([0, 9_500, 18_500, 19_500]);
    const expected: InputIssue = {
      path: 'row 3, column TIMESTAMP',
      line: 3,
      message:
        'goes back in time, earlier than row 2; the 4 rows were sorted by time (2 of them earlier than the row before)',
      value: '2023-11-16 18:15:40.5',
    };
    expect(warnings).toEqual([expected]);
    const streamed: InputIssue[] = [];
    loadTraceCsv(file('back.csv', rows), 1, { warnings: streamed, chunkBytes: 16 });
    expect(streamed).toEqual([expected]);
  });

  it('warns about nothing for rows in time order, equal timestamps included', () => {
    const warnings: InputIssue[] = [];
    const rows = ['2023-11-16 18:15:46,1,1', '2023-11-16 18:15:46,2,2', '2023-11-16 18:15:47,3,3'];
    parseTraceCsv([HEADER, ...rows].join('\n'), 'ok.csv', 1, { warnings });
    expect(warnings).toEqual([]);
  });
});
