import { InputError, type InputIssue, UsageError } from '../errors.js';
import { KNOWN_DIMENSIONS } from '../model/labels.js';
import type { Member } from '../resilience/member.js';
import { cellPath, listedIssues, MAX_ISSUES, type Table } from './table.js';

/** A cell must equal this text (case-insensitive) for the row to be kept. */
export interface RowCondition {
  column: string;
  equals: string;
}

/** How the columns of a table become members: labels, weight, id and location. */
export interface Mapping {
  /** Dimension → column. */
  dimensions: Record<string, string>;
  /** Column holding a non-negative number; becomes the member's stake. */
  weight?: string;
  id?: string;
  lat?: string;
  lon?: string;
  /** Column whose cells hold both coordinates, "lat,lon" (instead of `lat` and `lon`). */
  coords?: string;
  /** Keep only rows meeting every condition. */
  where?: RowCondition[];
  /** Drop rows whose weight is 0. */
  positiveWeight?: boolean;
}

export interface MappedNetwork {
  members: Member[];
  /** Rows dropped by `where` or `positiveWeight`. */
  skipped: number;
}

const DIMENSION_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** `--map` keys that take a member's id or location from a column instead of a dimension. */
export const MAP_ROLES = ['id', 'lat', 'lon', 'coords'] as const;
export type MapRole = (typeof MAP_ROLES)[number];

/** Names `--map` refuses as dimensions (they mean something else), with what to write instead. */
const RESERVED: Readonly<Record<string, string>> = {
  weight: 'weights come from --weight COLUMN',
  stake: 'weights come from --weight COLUMN',
  latitude: 'write lat=COLUMN,lon=COLUMN',
  longitude: 'write lat=COLUMN,lon=COLUMN',
  lng: 'write lat=COLUMN,lon=COLUMN',
  location: 'write coords=COLUMN for "lat,lon" cells, or lat=COLUMN,lon=COLUMN',
};

/**
 * Parses `--map dim=column` flags into dimension → column; one flag may hold several pairs separated by
 * commas (`--map lat=latitude,lon=longitude`). The keys `id`, `lat`, `lon` and `coords` map the member's
 * id and location (MAP_ROLES); `weight`, `stake`, `latitude`, `longitude`, `lng` and `location` are refused.
 */
export function parseMapFlags(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of flags) {
    for (const pair of f.split(/,(?=\s*[A-Za-z][A-Za-z0-9_]*\s*=)/)) {
      const eq = pair.indexOf('=');
      const dim = pair.slice(0, eq).trim();
      const column = pair.slice(eq + 1).trim();
      if (eq <= 0 || !DIMENSION_NAME.test(dim) || column === '') {
        throw new UsageError(
          `analyze: --map must be dim=column with dim made of letters, digits and _ (got "${f}")`,
        );
      }
      const reserved = RESERVED[dim.toLowerCase()];
      if (reserved !== undefined) {
        throw new UsageError(
          `analyze: --map ${dim}=${column}: "${dim}" is reserved, not a dimension; ${reserved} ` +
            `(--map also takes ${MAP_ROLES.map((r) => `${r}=COLUMN`).join(', ')})`,
        );
      }
      out[dim] = column;
    }
  }
  return out;
}

/** Dimensions mapped from columns named like a known dimension (`provider`, `asn`, `country`, …). */
export function sameNameDimensions(columns: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of KNOWN_DIMENSIONS) if (columns.includes(d)) out[d] = d;
  return out;
}

/** The first of `names` that is a column, or undefined. */
export function findColumn(columns: readonly string[], names: readonly string[]): string | undefined {
  return names.find((n) => columns.includes(n));
}

/** Every column the mapping names must be in the header; otherwise an error naming file, row 1 and column. */
function checkColumns(
  table: Table,
  mapping: Mapping,
  origin: (role: string, column: string) => string,
): void {
  const issues: InputIssue[] = [];
  const check = (role: string, column: string | undefined) => {
    if (column === undefined || table.columns.includes(column)) return;
    issues.push({
      path: cellPath(1, column),
      line: table.headerLine,
      message: `${origin(role, column)} names a column the header does not have (columns: ${table.columns.join(', ')})`,
    });
  };
  for (const [dim, column] of Object.entries(mapping.dimensions)) check(`dimension ${dim}`, column);
  check('weight', mapping.weight);
  check('id', mapping.id);
  check('lat', mapping.lat);
  check('lon', mapping.lon);
  check('coords', mapping.coords);
  for (const c of mapping.where ?? []) check('filter', c.column);
  if (issues.length > 0) throw new InputError(table.source, issues);
}

function numberCell(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Turns table rows into members. `origin(role, column)` says where a column name came from, for errors
 * (`--map asn=ASN`, `preset solana-validators`). Errors name the file, line, row and column.
 */
export function applyMapping(
  table: Table,
  mapping: Mapping,
  origin: (role: string, column: string) => string = (role, column) => `${role} column "${column}"`,
): MappedNetwork {
  checkColumns(table, mapping, origin);
  const col = (name: string | undefined) => (name === undefined ? -1 : table.columns.indexOf(name));
  const dims = Object.entries(mapping.dimensions).map(([dim, column]) => [dim, col(column)] as const);
  const weightAt = col(mapping.weight);
  const idAt = col(mapping.id);
  const latAt = col(mapping.lat);
  const lonAt = col(mapping.lon);
  const coordsAt = col(mapping.coords);
  const where = (mapping.where ?? []).map((c) => ({ at: col(c.column), equals: c.equals.toLowerCase() }));
  const issues: InputIssue[] = [];
  let problems = 0;
  const problem = (row: { row: number; line?: number }, column: string, message: string, value: string) => {
    problems++;
    if (issues.length < MAX_ISSUES)
      issues.push({ path: cellPath(row.row, column), line: row.line, message, value });
  };
  const members: Member[] = [];
  let skipped = 0;
  for (const r of table.rows) {
    const cell = (at: number) => (at < 0 ? '' : (r.cells[at] ?? '').trim());
    if (!where.every((c) => cell(c.at).toLowerCase() === c.equals)) {
      skipped++;
      continue;
    }
    let stake: number | undefined;
    if (weightAt >= 0) {
      stake = numberCell(cell(weightAt));
      if (stake === undefined || stake < 0) {
        problem(r, mapping.weight!, 'expected a non-negative number', cell(weightAt));
        continue;
      }
      if (stake === 0 && mapping.positiveWeight) {
        skipped++;
        continue;
      }
    }
    const labels: Record<string, { value: string }> = {};
    for (const [dim, at] of dims) {
      const v = cell(at);
      if (v !== '') labels[dim] = { value: v };
    }
    const member: Member = { id: idAt >= 0 && cell(idAt) !== '' ? cell(idAt) : `row-${r.row}`, labels };
    if (stake !== undefined) member.stake = stake;
    const location =
      coordsAt >= 0
        ? coordsOf(r, cell(coordsAt), mapping.coords!, problem)
        : locationOf(r, cell(latAt), cell(lonAt), mapping, problem);
    if (location !== undefined) member.location = location;
    members.push(member);
  }
  if (issues.length > 0) throw new InputError(table.source, listedIssues(issues, problems));
  return { members, skipped };
}

type Problem = (row: { row: number; line?: number }, column: string, message: string, value: string) => void;

/** A "lat,lon" cell (also "lat lon" or "lat;lon"); an empty cell is no location. */
function coordsOf(
  row: { row: number; line?: number },
  text: string,
  column: string,
  problem: Problem,
): { lat: number; lon: number } | undefined {
  if (text === '') return undefined;
  const parts = text.split(/\s*[,; ]\s*/).filter((p) => p !== '');
  const lat = parts.length === 2 ? numberCell(parts[0]!) : undefined;
  const lon = parts.length === 2 ? numberCell(parts[1]!) : undefined;
  if (lat === undefined || lon === undefined || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    problem(row, column, 'expected "lat,lon" with lat in [-90, 90] and lon in [-180, 180]', text);
    return undefined;
  }
  return { lat, lon };
}

function locationOf(
  row: { row: number; line?: number },
  latText: string,
  lonText: string,
  mapping: Mapping,
  problem: (row: { row: number; line?: number }, column: string, message: string, value: string) => void,
): { lat: number; lon: number } | undefined {
  if (latText === '' || lonText === '') return undefined;
  const lat = numberCell(latText);
  const lon = numberCell(lonText);
  if (lat === undefined || lat < -90 || lat > 90) {
    problem(row, mapping.lat!, 'expected a latitude between -90 and 90', latText);
    return undefined;
  }
  if (lon === undefined || lon < -180 || lon > 180) {
    problem(row, mapping.lon!, 'expected a longitude between -180 and 180', lonText);
    return undefined;
  }
  return { lat, lon };
}
