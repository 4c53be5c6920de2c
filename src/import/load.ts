import { extname } from 'node:path';
import { UsageError } from '../errors.js';
import type { Member, ModelLike } from '../resilience/member.js';
import type { Scenario } from '../scenario/types.js';
import { readTextFile } from '../util/yaml-file.js';
import { applyMapping, findColumn, type Mapping, sameNameDimensions } from './mapping.js';
import { PRESETS, presetByName } from './presets.js';
import { loadScenarioNetwork } from './scenario.js';
import { csvTable, jsonTable, type Table } from './table.js';

export const NETWORK_FORMATS = ['csv', 'json', 'scenario'] as const;
export type NetworkFormat = (typeof NETWORK_FORMATS)[number];

export interface LoadNetworkOptions {
  /** Default: from the extension (.csv, .json, .yaml/.yml = scenario). */
  format?: NetworkFormat;
  /** A ready mapping (`solana-validators`). */
  preset?: string;
  /** Dimension → column, added to (or replacing) the preset's. */
  map?: Readonly<Record<string, string>>;
  /** Weight column, replacing the preset's. */
  weight?: string;
}

export interface LoadedNetwork {
  source: string;
  /** How it was read: a file format, or `opengradient` for the on-chain TEE registry. */
  format: NetworkFormat | 'opengradient';
  members: Member[];
  models: ModelLike[];
  /** Dimensions the mapping defines, in mapping order (undefined: every label the members carry). */
  dimensions?: string[];
  /** Demand weight per metro id, when the file says (scenario). */
  demand?: ReadonlyMap<string, number>;
  /** Popularity per model id, when the file says (scenario). */
  modelWeights?: ReadonlyMap<string, number>;
  /** The scenario itself (format scenario), for the simulator. */
  scenario?: Scenario;
  /** Things the user should know about how the file was read (a weight-like column left unused). */
  notices?: string[];
  /** Data rows read and rows dropped by the preset's filter (tables only). */
  rows?: number;
  skipped?: number;
}

/** The format named by the file's extension, or undefined. */
export function formatFromPath(path: string): NetworkFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'scenario';
  return undefined;
}

/** The mapping for a table: the preset's, then `--map` and `--weight`, then same-name columns. */
export function mappingFor(
  table: Table,
  options: LoadNetworkOptions,
): { mapping: Mapping; origin: (role: string, column: string) => string } {
  const preset = options.preset === undefined ? undefined : presetByName(options.preset);
  if (options.preset !== undefined && preset === undefined) {
    throw new UsageError(
      `analyze: unknown preset "${options.preset}" (presets: ${PRESETS.map((p) => p.name).join(', ')})`,
    );
  }
  const { id, lat, lon, coords, ...map } = options.map ?? {};
  if ((lat === undefined) !== (lon === undefined)) {
    throw new UsageError(
      `analyze: --map ${lat === undefined ? 'lon' : 'lat'}=… needs ${lat === undefined ? 'lat' : 'lon'}=… too (or coords=COLUMN for "lat,lon" cells)`,
    );
  }
  if (coords !== undefined && lat !== undefined) {
    throw new UsageError('analyze: --map takes either coords=COLUMN or lat=COLUMN,lon=COLUMN, not both');
  }
  const base: Mapping = preset?.mapping ?? {
    dimensions: {},
    id: findColumn(table.columns, ['id']),
    lat: findColumn(table.columns, ['lat', 'latitude']),
    lon: findColumn(table.columns, ['lon', 'lng', 'longitude']),
  };
  let dimensions = { ...base.dimensions, ...map };
  if (Object.keys(dimensions).length === 0) dimensions = sameNameDimensions(table.columns);
  if (Object.keys(dimensions).length === 0) {
    throw new UsageError(
      `analyze: ${table.source} has no column named like a dimension; map columns with --map dim=column (columns: ${table.columns.join(', ')})`,
    );
  }
  const mapping: Mapping = { ...base, dimensions, weight: options.weight ?? base.weight };
  if (id !== undefined) mapping.id = id;
  if (lat !== undefined) {
    mapping.lat = lat;
    mapping.lon = lon;
    delete mapping.coords;
  }
  if (coords !== undefined) {
    mapping.coords = coords;
    delete mapping.lat;
    delete mapping.lon;
  }
  const mapped: Record<string, string | undefined> = { ...map, id, lat, lon, coords };
  const origin = (role: string, column: string): string => {
    if (role === 'weight' && options.weight !== undefined) return `--weight ${column}`;
    const key = role.startsWith('dimension ') ? role.slice('dimension '.length) : role;
    if (mapped[key] !== undefined) return `--map ${key}=${column}`;
    return preset === undefined ? `${role} column "${column}"` : `preset ${preset.name} (${role})`;
  };
  return { mapping, origin };
}

const WEIGHT_LIKE = /stake|weight/i;

/** A notice for each column named like a weight (stake, weight) when no weight column is mapped. */
export function unusedWeightNotices(columns: readonly string[], mapping: Mapping): string[] {
  if (mapping.weight !== undefined) return [];
  return columns
    .filter((c) => WEIGHT_LIKE.test(c))
    .map(
      (c) =>
        `column "${c}" looks like a weight but no --weight was given: every member counts as 1 (pass --weight ${c} to weight members by it)`,
    );
}

/** Reads a CSV or JSON table of nodes and maps it to members. */
export async function loadTableNetwork(
  path: string,
  format: 'csv' | 'json',
  options: LoadNetworkOptions = {},
): Promise<LoadedNetwork> {
  const text = readTextFile(path, 'network file');
  const table = format === 'csv' ? csvTable(text, path) : jsonTable(text, path);
  const { mapping, origin } = mappingFor(table, options);
  const { members, skipped } = applyMapping(table, mapping, origin);
  return {
    source: path,
    format,
    members,
    models: [],
    dimensions: Object.keys(mapping.dimensions),
    notices: unusedWeightNotices(table.columns, mapping),
    rows: table.rows.length,
    skipped,
  };
}

/** Loads a network in any supported format. */
export async function loadNetwork(path: string, options: LoadNetworkOptions = {}): Promise<LoadedNetwork> {
  const format = options.format ?? formatFromPath(path);
  if (format === undefined) {
    throw new UsageError(
      `analyze: cannot tell the format of ${path} from its extension; pass --format ${NETWORK_FORMATS.join('|')}`,
    );
  }
  if (format === 'scenario') {
    if (
      options.preset !== undefined ||
      options.weight !== undefined ||
      Object.keys(options.map ?? {}).length > 0
    ) {
      throw new UsageError(
        'analyze: --preset, --map and --weight apply to csv and json networks, not scenarios',
      );
    }
    return loadScenarioNetwork(path);
  }
  return loadTableNetwork(path, format, options);
}
