import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('splits records and fields, keeping empty fields and a trailing empty field', () => {
    expect(parseCsv(',a,b,\nx,1,2,\n')).toEqual({
      records: [
        { line: 1, fields: ['', 'a', 'b', ''] },
        { line: 2, fields: ['x', '1', '2', ''] },
      ],
    });
  });

  it('reads quoted fields with commas, doubled quotes and newlines, and CRLF line ends', () => {
    const result = parseCsv('"id","name"\r\n"1","a, ""b""\nc"\r\n"2",d');
    expect(result).toEqual({
      records: [
        { line: 1, fields: ['id', 'name'] },
        { line: 2, fields: ['1', 'a, "b"\nc'] },
        { line: 4, fields: ['2', 'd'] },
      ],
    });
  });

  it('skips blank lines but counts them in line numbers', () => {
    expect(parseCsv('a\n\nb')).toEqual({
      records: [
        { line: 1, fields: ['a'] },
        { line: 3, fields: ['b'] },
      ],
    });
  });

  it('gives no records for empty text and the line of an unterminated quote', () => {
    expect(parseCsv('')).toEqual({ records: [] });
    expect(parseCsv('a\n"b,c\n')).toEqual({ error: 'unterminated quoted field', line: 2 });
  });

  it('drops a leading byte-order mark, so the first field is "" or "name", not "\\ufeff…"', () => {
    expect(parseCsv('\ufeff,a\nx,1\n')).toEqual({
      records: [
        { line: 1, fields: ['', 'a'] },
        { line: 2, fields: ['x', '1'] },
      ],
    });
    expect(parseCsv('\ufeff"name"\n')).toEqual({ records: [{ line: 1, fields: ['name'] }] });
  });
});
