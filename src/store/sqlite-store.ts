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
  WarmActionRecord,
} from './registry-store.js';
import {
  addColumns,
  type DemandRow,
  type NodeRow,
  type ReceiptRow,
  SCHEMA,
  type TokenRow,
  toNode,
  toToken,
  toWarmAction,
  type WarmActionRow,
} from './sqlite-schema.js';

/** File name of the database inside the data directory. */
export const SQLITE_FILE = 'meridian.db';

const SEQ_FLUSH_MS = 50;

/**
 * The embedded RegistryStore: one SQLite file in WAL mode under the data directory (`:memory:` for a
 * private in-memory database). Opening writes one row, so a database that cannot be written fails at
 * start (SQLITE_READONLY), not on the first heartbeat. Writes are synchronous and durable once the
 * promise resolves (WAL with synchronous=NORMAL: a power cut may lose the last transactions, a process
 * crash loses none), except with the writer thread (`receiptThread`, what `meridian serve` uses):
 * receipts and heartbeat sequence numbers then go through the thread, sequences checked against memory
 * and written in batches every 50 ms, so another process holding the write lock cannot stall the event
 * loop; the main connection then waits at most 250 ms for the lock (registrations, tokens).
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
    const threaded = file !== ':memory:' && options.receiptThread === true;
    this.db.pragma(`busy_timeout = ${threaded ? 250 : 5000}`);
    this.db.exec(SCHEMA);
    this.db
      .prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)')
      .run('opened_at', String(Date.now()));
    addColumns(this.db);
    this.writer = threaded ? startReceiptWriter(file) : undefined;
    const db = this.db;
    this.stmt = {
      putNode: db.prepare(
        `INSERT OR REPLACE INTO nodes (id, operator, public_key, endpoint, descriptor, registered_at, updated_at, last_seq, attestation)
         VALUES (@id, @operator, @public_key, @endpoint, @descriptor, @registered_at, @updated_at, @last_seq, @attestation)`,
      ),
      getNode: db.prepare<[string], NodeRow>('SELECT * FROM nodes WHERE id = ?'),
      listNodes: db.prepare<[], NodeRow>('SELECT * FROM nodes ORDER BY id'),
      deleteNode: db.prepare<[string]>('DELETE FROM nodes WHERE id = ?'),
      getSeq: db.prepare<[string], { last_seq: number }>('SELECT last_seq FROM nodes WHERE id = ?'),
      advanceSeq: db.prepare<[number, string, number]>(
        'UPDATE nodes SET last_seq = ? WHERE id = ? AND last_seq < ?',
      ),
      putToken: db.prepare(
        `INSERT OR REPLACE INTO tokens (hash, operator, created_at, note, kind, expires_at)
         VALUES (@hash, @operator, @created_at, @note, @kind, @expires_at)`,
      ),
      deleteToken: db.prepare<[string]>('DELETE FROM tokens WHERE hash = ?'),
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
      putWarmAction: db.prepare(
        `INSERT OR REPLACE INTO warm_actions
           (id, created_at, node, model, kind, reason, gain_ms, cost_ms, status, updated_at, detail)
         VALUES (@id, @createdAt, @node, @model, @kind, @reason, @gainMs, @costMs, @status, @updatedAt, @detail)`,
      ),
      listWarmActions: db.prepare<[number, number], WarmActionRow>(
        'SELECT * FROM warm_actions WHERE created_at >= ? ORDER BY created_at DESC, id DESC LIMIT ?',
      ),
    };
  }

  /** With the writer thread: the last accepted sequence per node (ahead of the file by one batch). */
  private readonly seqs = new Map<string, number>();
  private readonly seqPending = new Map<string, number>();
  private seqTimer: NodeJS.Timeout | undefined;
  private seqFlushing: Promise<void> = Promise.resolve();
  private writeErrorText: string | undefined;

  /** The last write through the writer thread that failed (cleared by the next that succeeds). */
  writeError(): string | undefined {
    return this.writeErrorText;
  }

  async putNode(n: NodeRecord): Promise<void> {
    if (this.writer !== undefined) {
      this.seqs.set(n.id, n.lastSeq);
      this.seqPending.delete(n.id);
    }
    this.stmt.putNode.run({
      id: n.id,
      operator: n.operator,
      public_key: n.publicKey,
      endpoint: n.endpoint,
      descriptor: JSON.stringify(n.descriptor ?? null),
      registered_at: n.registeredAt,
      updated_at: n.updatedAt,
      last_seq: n.lastSeq,
      attestation: n.attestation === undefined ? null : JSON.stringify(n.attestation),
    });
  }

  async getNode(id: string): Promise<NodeRecord | undefined> {
    const row = this.stmt.getNode.get(id);
    return row === undefined ? undefined : this.withSeq(toNode(row));
  }

  async listNodes(): Promise<NodeRecord[]> {
    return this.stmt.listNodes.all().map((r) => this.withSeq(toNode(r)));
  }

  async deleteNode(id: string): Promise<boolean> {
    this.seqs.delete(id);
    this.seqPending.delete(id);
    return this.stmt.deleteNode.run(id).changes > 0;
  }

  async advanceSeq(id: string, seq: number): Promise<boolean> {
    if (this.writer === undefined) return this.stmt.advanceSeq.run(seq, id, seq).changes > 0;
    let last = this.seqs.get(id);
    if (last === undefined) {
      const row = this.stmt.getSeq.get(id);
      if (row === undefined) return false;
      last = row.last_seq;
    }
    if (!(seq > last)) return false;
    this.seqs.set(id, seq);
    this.seqPending.set(id, seq);
    if (this.seqTimer === undefined) {
      this.seqTimer = setTimeout(() => void this.flushSeqs(), SEQ_FLUSH_MS);
      this.seqTimer.unref();
    }
    return true;
  }

  /** Writes the pending sequences through the thread; on failure they stay pending for the next batch. */
  private flushSeqs(): Promise<void> {
    clearTimeout(this.seqTimer);
    this.seqTimer = undefined;
    const writer = this.writer;
    if (writer === undefined || this.seqPending.size === 0) return this.seqFlushing;
    const batch = new Map(this.seqPending);
    this.seqPending.clear();
    this.seqFlushing = this.seqFlushing.then(async () => {
      try {
        await writer.raiseSeqs(batch);
        this.writeErrorText = undefined;
      } catch (e) {
        this.writeErrorText = e instanceof Error ? e.message : String(e);
        for (const [id, seq] of batch)
          if (this.seqs.has(id) && !((this.seqPending.get(id) ?? 0) > seq)) this.seqPending.set(id, seq);
        if (this.seqTimer === undefined) {
          this.seqTimer = setTimeout(() => void this.flushSeqs(), SEQ_FLUSH_MS * 10);
          this.seqTimer.unref();
        }
      }
    });
    return this.seqFlushing;
  }

  private withSeq(n: NodeRecord): NodeRecord {
    const seq = this.seqs.get(n.id);
    if (seq !== undefined && seq > n.lastSeq) n.lastSeq = seq;
    return n;
  }

  async putToken(t: TokenRecord): Promise<void> {
    this.stmt.putToken.run({
      hash: t.hash,
      operator: t.operator,
      created_at: t.createdAt,
      note: t.note,
      kind: t.kind ?? null,
      expires_at: t.expiresAt ?? null,
    });
  }

  async getToken(hash: string): Promise<TokenRecord | undefined> {
    const row = this.stmt.getToken.get(hash);
    return row === undefined ? undefined : toToken(row);
  }

  async deleteToken(hash: string): Promise<boolean> {
    return this.stmt.deleteToken.run(hash).changes > 0;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.stmt.listTokens.all().map(toToken);
  }

  async putReceipts(receipts: readonly ReceiptRecord[]): Promise<void> {
    if (receipts.length === 0) return;
    if (this.writer !== undefined) {
      try {
        await this.writer.write(receipts);
        this.writeErrorText = undefined;
      } catch (e) {
        this.writeErrorText = e instanceof Error ? e.message : String(e);
        throw e;
      }
      return;
    }
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

  async putWarmAction(a: WarmActionRecord): Promise<void> {
    this.stmt.putWarmAction.run({ ...a, detail: a.detail ?? null });
  }

  async listWarmActions(sinceMs: number, limit: number): Promise<WarmActionRecord[]> {
    return this.stmt.listWarmActions.all(sinceMs, Math.max(0, Math.floor(limit))).map(toWarmAction);
  }

  async close(): Promise<void> {
    await this.flushSeqs();
    clearTimeout(this.seqTimer);
    await this.writer?.close();
    if (this.db.open) this.db.close();
  }
}
