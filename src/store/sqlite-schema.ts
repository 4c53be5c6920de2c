import type Database from 'better-sqlite3';
import type {
  AttestationRecord,
  NodeRecord,
  TokenRecord,
  WarmActionRecord,
  WarmActionStatus,
} from './registry-store.js';

/**
 * The SQLite store's tables: the schema, the columns added since the first one, and each table's row as
 * better-sqlite3 returns it with its conversion to the store's records.
 */

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS nodes (
  id TEXT PRIMARY KEY,
  operator TEXT NOT NULL,
  public_key TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  descriptor TEXT NOT NULL,
  registered_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY,
  operator TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  note TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS receipts (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS receipts_by_age ON receipts (created_at, id);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS demand (
  bucket_ms INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  place TEXT NOT NULL,
  model TEXT NOT NULL,
  requests REAL NOT NULL,
  tokens REAL NOT NULL,
  unmet REAL NOT NULL,
  PRIMARY KEY (bucket_ms, start_ms, place, model)
);
CREATE TABLE IF NOT EXISTS warm_actions (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  node TEXT NOT NULL,
  model TEXT NOT NULL,
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  gain_ms REAL NOT NULL,
  cost_ms REAL NOT NULL,
  status TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS warm_actions_by_age ON warm_actions (created_at, id);
`;

/** Sequence numbers are written to the file at most this often (the thread batches them). */

export interface NodeRow {
  id: string;
  operator: string;
  public_key: string;
  endpoint: string;
  descriptor: string;
  registered_at: number;
  updated_at: number;
  last_seq: number;
  attestation: string | null;
}

export interface TokenRow {
  hash: string;
  operator: string;
  created_at: number;
  note: string;
  kind: string | null;
  expires_at: number | null;
}

export interface DemandRow {
  bucket_ms: number;
  start_ms: number;
  place: string;
  model: string;
  requests: number;
  tokens: number;
  unmet: number;
}

export interface WarmActionRow {
  id: string;
  created_at: number;
  node: string;
  model: string;
  kind: string;
  reason: string;
  gain_ms: number;
  cost_ms: number;
  status: string;
  updated_at: number;
  detail: string | null;
}

export const toWarmAction = (r: WarmActionRow): WarmActionRecord => ({
  id: r.id,
  createdAt: r.created_at,
  node: r.node,
  model: r.model,
  kind: r.kind === 'unload' ? 'unload' : 'load',
  reason: r.reason,
  gainMs: r.gain_ms,
  costMs: r.cost_ms,
  status: r.status as WarmActionStatus,
  updatedAt: r.updated_at,
  ...(r.detail === null ? {} : { detail: r.detail }),
});

export interface ReceiptRow {
  id: string;
  created_at: number;
  json: string;
}

export function toNode(r: NodeRow): NodeRecord {
  return {
    id: r.id,
    operator: r.operator,
    publicKey: r.public_key,
    endpoint: r.endpoint,
    descriptor: JSON.parse(r.descriptor) as unknown,
    registeredAt: r.registered_at,
    updatedAt: r.updated_at,
    lastSeq: r.last_seq,
    ...(r.attestation === null ? {} : { attestation: JSON.parse(r.attestation) as AttestationRecord }),
  };
}

export const toToken = (r: TokenRow): TokenRecord => ({
  hash: r.hash,
  operator: r.operator,
  createdAt: r.created_at,
  note: r.note,
  ...(r.kind === 'operator' || r.kind === 'client' ? { kind: r.kind } : {}),
  ...(r.expires_at === null ? {} : { expiresAt: r.expires_at }),
});

/** Columns added after the first schema, created on open when an older file lacks them. */
export function addColumns(db: Database.Database): void {
  const have = new Set((db.pragma('table_info(tokens)') as { name: string }[]).map((c) => c.name));
  if (!have.has('kind')) db.exec('ALTER TABLE tokens ADD COLUMN kind TEXT');
  if (!have.has('expires_at')) db.exec('ALTER TABLE tokens ADD COLUMN expires_at INTEGER');
  const nodes = new Set((db.pragma('table_info(nodes)') as { name: string }[]).map((c) => c.name));
  if (!nodes.has('attestation')) db.exec('ALTER TABLE nodes ADD COLUMN attestation TEXT');
}
