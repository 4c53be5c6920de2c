import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type ReceiptWriter, startReceiptWriter } from './receipt-writer.js';
import type {
  DemandBucketRecord,
  NodeRecord,
  ReceiptRecord,
  RegistryStore,
  TokenRecord,
} from './registry-store.js';

/** File name of the database inside the data directory. */
export const SQLITE_FILE = 'meridian.db';

const SCHEMA = `
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
`;

interface NodeRow {
  id: string;
  operator: string;
  public_key: string;
  endpoint: string;
  descriptor: string;
  registered_at: number;
  updated_at: number;
  last_seq: number;
}

interface TokenRow {
  hash: string;
  operator: string;
  created_at: number;
  note: string;
}

interface DemandRow {
  bucket_ms: number;
  start_ms: number;
  place: string;
  model: string;
  requests: number;
  tokens: number;
  unmet: number;
}

interface ReceiptRow {
  id: string;
  created_at: number;
  json: string;
}

function toNode(r: NodeRow): NodeRecord {
  return {
    id: r.id,
    operator: r.operator,
    publicKey: r.public_key,
    endpoint: r.endpoint,
    descriptor: JSON.parse(r.descriptor) as unknown,
    registeredAt: r.registered_at,
    updatedAt: r.updated_at,
    lastSeq: r.last_seq,
  };
}

const toToken = (r: TokenRow): TokenRecord => ({
  hash: r.hash,
  operator: r.operator,
  createdAt: r.created_at,
  note: r.note,
});

/**
 * The embedded RegistryStore: one SQLite file in WAL mode under the data directory (`:memory:` for a
 * private in-memory database). Writes are synchronous and durable once the promise resolves (WAL with
 * synchronous=NORMAL: a power cut may lose the last transactions, a process crash loses none).
 */
export class SqliteStore implements RegistryStore {
  private readonly db: Database.Database;
  private readonly stmt;

  /** Receipts go through a worker thread when the database is a file (see receipt-writer.ts). */
  private readonly writer: ReceiptWriter | undefined;

  constructor(dataDir: string | ':memory:', options: { receiptThread?: boolean } = {}) {
    let file = ':memory:';
    if (dataDir !== ':memory:') {
      mkdirSync(dataDir, { recursive: true });
      file = join(dataDir, SQLITE_FILE);
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.writer =
      file !== ':memory:' && options.receiptThread === true ? startReceiptWriter(file) : undefined;
    const db = this.db;
    this.stmt = {
      putNode: db.prepare(
        `INSERT OR REPLACE INTO nodes (id, operator, public_key, endpoint, descriptor, registered_at, updated_at, last_seq)
         VALUES (@id, @operator, @public_key, @endpoint, @descriptor, @registered_at, @updated_at, @last_seq)`,
      ),
      getNode: db.prepare<[string], NodeRow>('SELECT * FROM nodes WHERE id = ?'),
      listNodes: db.prepare<[], NodeRow>('SELECT * FROM nodes ORDER BY id'),
      deleteNode: db.prepare<[string]>('DELETE FROM nodes WHERE id = ?'),
      advanceSeq: db.prepare<[number, string, number]>(
        'UPDATE nodes SET last_seq = ? WHERE id = ? AND last_seq < ?',
      ),
      putToken: db.prepare(
        'INSERT OR REPLACE INTO tokens (hash, operator, created_at, note) VALUES (@hash, @operator, @created_at, @note)',
      ),
      getToken: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?'),
      listTokens: db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY hash'),
      putReceipt: db.prepare('INSERT OR REPLACE INTO receipts (id, created_at, json) VALUES (?, ?, ?)'),
      getReceipt: db.prepare<[string], ReceiptRow>('SELECT * FROM receipts WHERE id = ?'),
      countReceipts: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM receipts'),
      // The oldest `?` receipts: walks the (created_at, id) index from the old end, O(k log n).
      pruneOldest: db.prepare<[number]>(
        `DELETE FROM receipts WHERE id IN (
           SELECT id FROM receipts ORDER BY created_at ASC, id ASC LIMIT ?)`,
      ),
      addDemand: db.prepare(
        `INSERT INTO demand (bucket_ms, start_ms, place, model, requests, tokens, unmet)
         VALUES (@bucketMs, @startMs, @place, @model, @requests, @tokens, @unmet)
         ON CONFLICT (bucket_ms, start_ms, place, model) DO UPDATE SET
           requests = requests + excluded.requests, tokens = tokens + excluded.tokens, unmet = unmet + excluded.unmet`,
      ),
      listDemand: db.prepare<[number, number], DemandRow>(
        'SELECT * FROM demand WHERE bucket_ms = ? AND start_ms >= ? ORDER BY start_ms, place, model',
      ),
    };
  }

  async putNode(n: NodeRecord): Promise<void> {
    this.stmt.putNode.run({
      id: n.id,
      operator: n.operator,
      public_key: n.publicKey,
      endpoint: n.endpoint,
      descriptor: JSON.stringify(n.descriptor ?? null),
      registered_at: n.registeredAt,
      updated_at: n.updatedAt,
      last_seq: n.lastSeq,
    });
  }

  async getNode(id: string): Promise<NodeRecord | undefined> {
    const row = this.stmt.getNode.get(id);
    return row === undefined ? undefined : toNode(row);
  }

  async listNodes(): Promise<NodeRecord[]> {
    return this.stmt.listNodes.all().map(toNode);
  }

  async deleteNode(id: string): Promise<boolean> {
    return this.stmt.deleteNode.run(id).changes > 0;
  }

  async advanceSeq(id: string, seq: number): Promise<boolean> {
    return this.stmt.advanceSeq.run(seq, id, seq).changes > 0;
  }

  async putToken(t: TokenRecord): Promise<void> {
    this.stmt.putToken.run({ hash: t.hash, operator: t.operator, created_at: t.createdAt, note: t.note });
  }

  async getToken(hash: string): Promise<TokenRecord | undefined> {
    const row = this.stmt.getToken.get(hash);
    return row === undefined ? undefined : toToken(row);
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.stmt.listTokens.all().map(toToken);
  }

  async putReceipts(receipts: readonly ReceiptRecord[]): Promise<void> {
    if (receipts.length === 0) return;
    if (this.writer !== undefined) return this.writer.write(receipts);
    const put = this.stmt.putReceipt;
    this.db.transaction((rs: readonly ReceiptRecord[]) => {
      for (const r of rs) put.run(r.id, r.createdAt, r.json);
    })(receipts);
  }

  async getReceipt(id: string): Promise<ReceiptRecord | undefined> {
    const row = this.stmt.getReceipt.get(id);
    return row === undefined ? undefined : { id: row.id, createdAt: row.created_at, json: row.json };
  }

  async pruneReceipts(keep: number): Promise<number> {
    if (this.writer !== undefined) return this.writer.prune(keep);
    const excess = this.stmt.countReceipts.get()!.n - Math.max(0, Math.floor(keep));
    return excess > 0 ? this.stmt.pruneOldest.run(excess).changes : 0;
  }

  async addDemand(buckets: readonly DemandBucketRecord[]): Promise<void> {
    if (buckets.length === 0) return;
    const add = this.stmt.addDemand;
    this.db.transaction((bs: readonly DemandBucketRecord[]) => {
      for (const b of bs) add.run(b);
    })(buckets);
  }

  async listDemand(bucketMs: number, sinceMs: number): Promise<DemandBucketRecord[]> {
    return this.stmt.listDemand.all(bucketMs, sinceMs).map((r) => ({
      place: r.place,
      model: r.model,
      bucketMs: r.bucket_ms,
      startMs: r.start_ms,
      requests: r.requests,
      tokens: r.tokens,
      unmet: r.unmet,
    }));
  }

  async close(): Promise<void> {
    await this.writer?.close();
    if (this.db.open) this.db.close();
  }
}
