import { InputError, type InputIssue, UsageError } from '../errors.js';
import { KNOWN_DIMENSIONS } from '../model/labels.js';
import type { Member } from '../resilience/member.js';
import { cellPath, MAX_ISSUES, type Table } from './table.js';

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

/** Parses `--map dim=column` flags into dimension → column. */
export function parseMapFlags(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of flags) {
    const eq = f.indexOf('=');
    const dim = f.slice(0, eq).trim();
    const column = f.slice(eq + 1).trim();
    if (eq <= 0 || !DIMENSION_NAME.test(dim) || column === '') {
      throw new UsageError(
        `analyze: --map must be dim=column with dim made of letters, digits and _ (got "${f}")`,
      );
    }
    out[dim] = column;
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
  const where = (mapping.where ?? []).map((c) => ({ at: col(c.column), equals: c.equals.toLowerCase() }));
  const issues: InputIssue[] = [];
  const problem = (row: { row: number; line?: number }, column: string, message: string, value: string) => {
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
    const location = locationOf(r, cell(latAt), cell(lonAt), mapping, problem);
    if (location !== undefined) member.location = location;
    members.push(member);
  }
  if (issues.length > 0) throw new InputError(table.source, issues);
  return { members, skipped };
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
