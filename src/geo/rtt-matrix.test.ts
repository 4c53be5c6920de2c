import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from '../errors.js';
import { joinCoords, loadRttMatrix, measuredPairs, parseCityCoords, parseRttMatrix } from './rtt-matrix.js';

const MATRIX = [',A,B,C,', 'A,0.0,10.5,0,', 'B,10.5,0.0,20,', 'C,0,20,0.0,', ''].join('\n');
const COORDS = [
  '"id","name","latitude","longitude"',
  '"0","A","50.1","8.7"',
  '"1","B","48.9","2.4"',
  '"2","D","1.0","2.0"',
].join('\n');

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('parseRttMatrix', () => {
  it('reads names and values; the diagonal is 0 and off-diagonal zeros become NaN (not measured)', () => {
    const m = parseRttMatrix(MATRIX, 'm.csv');
    expect(m.names).toEqual(['A', 'B', 'C']);
    expect(Array.from(m.rtt)).toEqual([0, 10.5, Number.NaN, 10.5, 0, 20, Number.NaN, 20, 0]);
  });

  it('accepts rows without the trailing comma', () => {
    const m = parseRttMatrix(',A,B\nA,0,3\nB,3,0\n', 'm.csv');
    expect(Array.from(m.rtt)).toEqual([0, 3, 3, 0]);
  });

  it('names file, row, column and value of a bad cell', () => {
    const e = inputError(() => parseRttMatrix(',A,B\nA,0,x\nB,3,0\n', 'm.csv'));
    expect(e.message).toBe(
      'm.csv:2: row 2 ("A"), column 3 ("B"): expected a round-trip time in ms (a number ≥ 0) (got "x")',
    );
  });

  it('rejects negative and empty cells', () => {
    const e = inputError(() => parseRttMatrix(',A,B\nA,0,-1\nB,,0\n', 'm.csv'));
    expect(e.issues.map((i) => i.path)).toEqual([
      'row 2 ("A"), column 3 ("B")',
      'row 3 ("B"), column 2 ("A")',
    ]);
  });

  it('rejects a short row, a wrong row name, a missing row and a non-matrix header', () => {
    expect(inputError(() => parseRttMatrix(',A,B\nA,0\nB,3,0\n', 'm.csv')).message).toBe(
      'm.csv:2: row 2 ("A"): expected 2 values (found 1)',
    );
    expect(inputError(() => parseRttMatrix(',A,B\nA,0,3\nX,3,0\n', 'm.csv')).message).toBe(
      'm.csv:3: row 3, column 1: expected the city name "B" (rows follow the header order) (got "X")',
    );
    expect(inputError(() => parseRttMatrix(',A,B\nA,0,3\n', 'm.csv')).message).toBe(
      'm.csv: rows: expected 2 data rows, one per city in the header (found 1)',
    );
    expect(inputError(() => parseRttMatrix('id,name\n1,x\n', 'm.csv')).issues[0]?.path).toBe(
      'row 1, column 1',
    );
  });

  it('rejects duplicate names, an empty file and an unterminated quote', () => {
    expect(inputError(() => parseRttMatrix(',A,A\nA,0,1\nA,1,0\n', 'm.csv')).issues[0]?.message).toBe(
      'duplicate city name',
    );
    expect(inputError(() => parseRttMatrix('', 'm.csv')).message).toMatch(/^m\.csv: file: empty file/);
    expect(inputError(() => parseRttMatrix(',"A,B\n', 'm.csv')).message).toBe(
      'm.csv:1: file: unterminated quoted field',
    );
  });
});

describe('parseCityCoords and joinCoords', () => {
  it('joins on name, keeps matrix order and drops cities without coordinates', () => {
    const joined = joinCoords(parseRttMatrix(MATRIX, 'm.csv'), parseCityCoords(COORDS, 'c.csv'));
    expect(joined.names).toEqual(['A', 'B']);
    expect(joined.coords).toEqual([
      { lat: 50.1, lon: 8.7 },
      { lat: 48.9, lon: 2.4 },
    ]);
    expect(Array.from(joined.rtt)).toEqual([0, 10.5, 10.5, 0]);
    expect(joined.dropped).toEqual(['C']);
  });

  it('names file, row and column of a bad latitude, and missing columns', () => {
    const bad = 'name,latitude,longitude\nA,91,8\n';
    expect(inputError(() => parseCityCoords(bad, 'c.csv')).message).toBe(
      'c.csv:2: row 2 ("A"), column latitude: expected a latitude in [-90, 90] (got "91")',
    );
    expect(inputError(() => parseCityCoords('name,lat,lon\n', 'c.csv')).message).toBe(
      'c.csv:1: row 1: missing columns latitude, longitude',
    );
  });

  it('treats a row with both coordinates empty as a city without coordinates', () => {
    expect(parseCityCoords('name,latitude,longitude\nA,,\n', 'c.csv').size).toBe(0);
  });
});

describe('measuredPairs', () => {
  it('lists measured pairs i < j with the mean of both directions, skipping missing ones', () => {
    const rtt = Float64Array.from([0, 10, Number.NaN, 12, 0, 5, Number.NaN, Number.NaN, 0]);
    expect(measuredPairs(rtt, 3)).toEqual([
      { i: 0, j: 1, ms: 11 },
      { i: 1, j: 2, ms: 5 },
    ]);
    expect(measuredPairs(new Float64Array(0), 0)).toEqual([]);
  });
});

describe('loadRttMatrix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-rtt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads both files from disk', () => {
    writeFileSync(join(dir, 'm.csv'), MATRIX);
    writeFileSync(join(dir, 'c.csv'), COORDS);
    const m = loadRttMatrix(join(dir, 'm.csv'), join(dir, 'c.csv'));
    expect(m.names).toEqual(['A', 'B']);
  });

  it('throws NotFoundError naming a missing file', () => {
    expect(() => loadRttMatrix(join(dir, 'nope.csv'), join(dir, 'c.csv'))).toThrow(NotFoundError);
    expect(() => loadRttMatrix(join(dir, 'nope.csv'), join(dir, 'c.csv'))).toThrow(/nope\.csv/);
  });
});
