import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { parseTimestampMs, parseTraceCsv } from './trace-csv.js';

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
});
