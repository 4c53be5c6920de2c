import { readFileSync } from 'node:fs';
import { InputError, type InputIssue, NotFoundError } from '../errors.js';
import type { LatLon } from '../model/common.js';
import { parseCsv } from './csv.js';

/**
 * Loader for a measured city-to-city RTT matrix (the WonderProxy format in ../shared/data/rtt): a square
 * CSV whose first row is an empty cell then the city names, and whose rows are a name then one value per
 * city (a trailing comma is allowed); off-diagonal zeros mean "not measured". Coordinates come from a
 * second CSV with at least the columns `name`, `latitude`, `longitude`, joined on `name`.
 */

/** n cities, their coordinates, and RTTs in ms, row-major n×n (`rtt[i * n + j]`); NaN = not measured. */
export interface RttMatrix {
  names: string[];
  coords: LatLon[];
  rtt: Float64Array;
}

/** The matrix as read, before the join with coordinates. */
export interface RawRttMatrix {
  names: string[];
  rtt: Float64Array;
}

/** A matrix joined with coordinates, and the cities dropped for lack of coordinates. */
export interface JoinedRttMatrix extends RttMatrix {
  dropped: string[];
}

const MAX_ISSUES = 20;

/** Drops one empty trailing field (the format ends rows with a comma). */
function trimTrailing(fields: string[]): string[] {
  return fields.length > 0 && fields[fields.length - 1] === '' ? fields.slice(0, -1) : fields;
}

function fail(source: string, issues: InputIssue[]): never {
  throw new InputError(source, issues.slice(0, MAX_ISSUES));
}

/** Parses matrix CSV text. Throws InputError naming `source`, the row and the column of each problem. */
export function parseRttMatrix(text: string, source: string): RawRttMatrix {
  const parsed = parseCsv(text);
  if ('error' in parsed) fail(source, [{ path: 'file', message: parsed.error, line: parsed.line }]);
  const [head, ...rows] = parsed.records;
  if (head === undefined)
    fail(source, [{ path: 'file', message: 'empty file: expected a header row of city names' }]);
  const header = trimTrailing(head.fields);
  const issues: InputIssue[] = [];
  if (header[0] !== '') {
    issues.push({
      path: 'row 1, column 1',
      message: 'expected an empty cell (the header of an RTT matrix is an empty cell, then city names)',
      value: header[0],
      line: head.line,
    });
    fail(source, issues);
  }
  const names = header.slice(1);
  const n = names.length;
  if (n === 0) fail(source, [{ path: 'row 1', message: 'expected at least one city name', line: head.line }]);
  const seen = new Set<string>();
  names.forEach((name, k) => {
    const path = `row 1, column ${k + 2}`;
    if (name.trim() === '')
      issues.push({ path, message: 'expected a city name', value: name, line: head.line });
    else if (seen.has(name))
      issues.push({ path, message: 'duplicate city name', value: name, line: head.line });
    seen.add(name);
  });
  if (rows.length !== n) {
    issues.push({
      path: 'rows',
      message: `expected ${n} data rows, one per city in the header (found ${rows.length})`,
    });
  }
  if (issues.length > 0) fail(source, issues);
  const rtt = new Float64Array(n * n).fill(Number.NaN);
  rows.slice(0, n).forEach((row, i) => {
    const fields = trimTrailing(row.fields);
    const rowName = `row ${i + 2} ("${fields[0] ?? ''}")`;
    if (fields[0] !== names[i]) {
      issues.push({
        path: `row ${i + 2}, column 1`,
        message: `expected the city name "${names[i]}" (rows follow the header order)`,
        value: fields[0],
        line: row.line,
      });
    }
    if (fields.length !== n + 1) {
      issues.push({
        path: rowName,
        message: `expected ${n} values (found ${fields.length - 1})`,
        line: row.line,
      });
      return;
    }
    for (let j = 0; j < n; j++) {
      const cell = fields[j + 1]!;
      const v = Number(cell);
      if (cell.trim() === '' || !Number.isFinite(v) || v < 0) {
        issues.push({
          path: `${rowName}, column ${j + 2} ("${names[j]}")`,
          message: 'expected a round-trip time in ms (a number ≥ 0)',
          value: cell,
          line: row.line,
        });
        continue;
      }
      rtt[i * n + j] = i === j ? 0 : v === 0 ? Number.NaN : v;
    }
  });
  if (issues.length > 0) fail(source, issues);
  return { names, rtt };
}

/** Parses a coordinates CSV (columns `name`, `latitude`, `longitude`, others ignored) into a map by name. */
export function parseCityCoords(text: string, source: string): Map<string, LatLon> {
  const parsed = parseCsv(text);
  if ('error' in parsed) fail(source, [{ path: 'file', message: parsed.error, line: parsed.line }]);
  const [head, ...rows] = parsed.records;
  if (head === undefined) fail(source, [{ path: 'file', message: 'empty file: expected a header row' }]);
  const col = (name: string) => head.fields.indexOf(name);
  const [iName, iLat, iLon] = [col('name'), col('latitude'), col('longitude')];
  const missing = (['name', 'latitude', 'longitude'] as const).filter((c) => col(c) < 0);
  if (missing.length > 0) {
    fail(source, [
      {
        path: 'row 1',
        message: `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
        line: head.line,
      },
    ]);
  }
  const out = new Map<string, LatLon>();
  const issues: InputIssue[] = [];
  rows.forEach((row, r) => {
    const name = row.fields[iName] ?? '';
    const where = `row ${r + 2} ("${name}")`;
    const lat = Number(row.fields[iLat] ?? '');
    const lon = Number(row.fields[iLon] ?? '');
    const latText = row.fields[iLat] ?? '';
    const lonText = row.fields[iLon] ?? '';
    if (latText.trim() === '' && lonText.trim() === '') return; // no coordinates: the city is dropped at the join
    if (latText.trim() === '' || !Number.isFinite(lat) || Math.abs(lat) > 90) {
      issues.push({
        path: `${where}, column latitude`,
        message: 'expected a latitude in [-90, 90]',
        value: latText,
        line: row.line,
      });
    }
    if (lonText.trim() === '' || !Number.isFinite(lon) || Math.abs(lon) > 180) {
      issues.push({
        path: `${where}, column longitude`,
        message: 'expected a longitude in [-180, 180]',
        value: lonText,
        line: row.line,
      });
    }
    out.set(name, { lat, lon });
  });
  if (issues.length > 0) fail(source, issues);
  return out;
}

/** Keeps the cities that have coordinates (in matrix order) and names the ones dropped. */
export function joinCoords(raw: RawRttMatrix, coords: ReadonlyMap<string, LatLon>): JoinedRttMatrix {
  const n = raw.names.length;
  const keep: number[] = [];
  const dropped: string[] = [];
  raw.names.forEach((name, i) => {
    if (coords.has(name)) keep.push(i);
    else dropped.push(name);
  });
  const m = keep.length;
  const rtt = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) rtt[a * m + b] = raw.rtt[keep[a]! * n + keep[b]!]!;
  }
  return {
    names: keep.map((i) => raw.names[i]!),
    coords: keep.map((i) => coords.get(raw.names[i]!)!),
    rtt,
    dropped,
  };
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NotFoundError(`${what} file not found: ${file}`, { cause: e });
    if (code === 'EISDIR') throw new NotFoundError(`${what} file is a directory: ${file}`, { cause: e });
    throw e;
  }
}

/** Reads and joins a matrix file and a coordinates file. Missing file → NotFoundError; bad content → InputError. */
export function loadRttMatrix(matrixFile: string, coordsFile: string): JoinedRttMatrix {
  const raw = parseRttMatrix(readText(matrixFile, 'RTT matrix'), matrixFile);
  const coords = parseCityCoords(readText(coordsFile, 'coordinates'), coordsFile);
  return joinCoords(raw, coords);
}

/** One measured unordered pair i < j and its RTT in ms (the mean of both directions when both exist). */
export interface MeasuredPair {
  i: number;
  j: number;
  ms: number;
}

/** Every measured pair i < j of an n×n matrix (NaN and non-positive entries are skipped). */
export function measuredPairs(rtt: Float64Array, n: number): MeasuredPair[] {
  const out: MeasuredPair[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const ab = rtt[i * n + j]!;
      const ba = rtt[j * n + i]!;
      const okAb = ab > 0;
      const okBa = ba > 0;
      if (okAb || okBa) out.push({ i, j, ms: okAb && okBa ? (ab + ba) / 2 : okAb ? ab : ba });
    }
  }
  return out;
}
