import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { csvTable, jsonTable } from './table.js';

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('csvTable', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF line ends and a BOM', () => {
    const t = csvTable('\uFEFFid,name\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\nlines"\r\n', 'x.csv');
    expect(t.columns).toEqual(['id', 'name']);
    expect(t.rows.map((r) => r.cells)).toEqual([
      ['1', 'a, b'],
      ['2', 'say "hi"'],
      ['3', 'two\nlines'],
    ]);
    expect(t.rows.map((r) => [r.row, r.line])).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
  });

  it('rejects an empty file naming the file and row 1', () => {
    expect(message(() => csvTable('', 'empty.csv'))).toBe(
      'empty.csv:1: row 1: empty file: expected a header row naming the columns, then data rows',
    );
  });

  it('rejects a header without data rows', () => {
    expect(message(() => csvTable('a,b\n', 'h.csv'))).toBe('h.csv:2: row 2: no data rows after the header');
  });

  it('names the line and row of a record with the wrong number of fields', () => {
    expect(message(() => csvTable('a,b\n1,2\n1,2,3\n', 'r.csv'))).toBe(
      'r.csv:3: row 2: expected 2 fields like the header, got 3',
    );
  });

  it('names a column that appears twice in the header', () => {
    expect(message(() => csvTable('a,b,a\n1,2,3\n', 'd.csv'))).toBe(
      'd.csv:1: row 1, column "a": column named twice',
    );
  });

  it('names the line of an unterminated quote', () => {
    expect(message(() => csvTable('a\n"open\n', 'q.csv'))).toBe(
      'q.csv:2: quoted field: unterminated quoted field',
    );
  });
});

describe('jsonTable', () => {
  it('takes the columns from the keys in order of first appearance and writes values as text', () => {
    const t = jsonTable('[{"id":"a","asn":24940},{"id":"b","live":true,"asn":null}]', 'n.json');
    expect(t.columns).toEqual(['id', 'asn', 'live']);
    expect(t.rows.map((r) => r.cells)).toEqual([
      ['a', '24940', ''],
      ['b', '', 'true'],
    ]);
  });

  it('rejects an empty file, an empty array and a document that is not an array', () => {
    expect(message(() => jsonTable(' \n', 'e.json'))).toContain('e.json:1: row 1: empty file');
    expect(message(() => jsonTable('[]', 'e.json'))).toBe('e.json: row 1: empty array: no data rows');
    expect(message(() => jsonTable('{"nodes":[]}', 'o.json'))).toBe(
      'o.json: expected a JSON array of objects (one per node)',
    );
  });

  it('names the row and column of a nested value', () => {
    expect(message(() => jsonTable('[{"a":1},{"a":{"b":2}}]', 'n.json'))).toBe(
      'n.json: row 2, column "a": expected a string, number or boolean (got {"b":2})',
    );
  });
});
