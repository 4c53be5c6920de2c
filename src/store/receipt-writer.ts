import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { ReceiptRecord } from './registry-store.js';

/**
 * Writes receipts and heartbeat sequence numbers to the SQLite file from a worker thread, so the writes
 * (the bulk of the coordinator's disk writes under load) never block the event loop that proxies
 * requests, not even while another process holds the database's write lock. The worker has its own
 * connection; WAL lets it write while the main connection reads. The worker's code is a string
 * (`eval: true`) so it runs the same from dist/ and from the TypeScript sources under test.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
const put = db.prepare('INSERT OR REPLACE INTO receipts (id, created_at, json) VALUES (?, ?, ?)');
const count = db.prepare('SELECT count(*) AS n FROM receipts');
const pruneOldest = db.prepare('DELETE FROM receipts WHERE id IN (SELECT id FROM receipts ORDER BY created_at ASC, id ASC LIMIT ?)');
const many = db.transaction((rows) => { for (const r of rows) put.run(r.id, r.createdAt, r.json); });
const raise = db.prepare('UPDATE nodes SET last_seq = ? WHERE id = ? AND last_seq < ?');
const raiseAll = db.transaction((ids, seqs) => { for (let k = 0; k < ids.length; k++) raise.run(seqs[k], ids[k], seqs[k]); });
parentPort.on('message', (m) => {
  if (m.close) { db.close(); parentPort.postMessage({ closed: true }); return; }
  if (m.seqIds !== undefined) {
    try { raiseAll(m.seqIds.split('\\n'), m.seqs); parentPort.postMessage({ id: m.id }); }
    catch (e) { parentPort.postMessage({ id: m.id, error: String(e && e.message || e) }); }
    return;
  }
  if (m.prune !== undefined) {
    try {
      const excess = count.get().n - m.prune;
      parentPort.postMessage({ id: m.id, pruned: excess > 0 ? pruneOldest.run(excess).changes : 0 });
    } catch (e) { parentPort.postMessage({ id: m.id, error: String(e && e.message || e) }); }
    return;
  }
  try {
    const ids = m.ids.split('\\n');
    const rows = [];
    let at = 0;
    for (let k = 0; k < ids.length; k++) {
      rows.push({ id: ids[k], createdAt: m.createdAt[k], json: m.text.slice(at, at + m.lengths[k]) });
      at += m.lengths[k];
    }
    many(rows);
    parentPort.postMessage({ id: m.id });
  } catch (e) { parentPort.postMessage({ id: m.id, error: String(e && e.message || e) }); }
});
`;

/**
 * Receipts per message to the thread are cut at about this many characters of JSON. A string above V8's
 * largest regular object (128 KB) gets fresh memory of its own, whose first touches are page faults: on
 * a virtual machine, joining a batch of that size and copying it to the thread cost many times what two
 * half-size batches did, and under load a 25 ms batch of 1.2 KB receipts passes it.
 */
export const MESSAGE_CHARS = 64 * 1024;

export interface ReceiptWriter {
  write(rows: readonly ReceiptRecord[]): Promise<void>;
  /** Raises each node's stored `last_seq` to the given sequence where it is lower (one transaction). */
  raiseSeqs(seqs: ReadonlyMap<string, number>): Promise<void>;
  /** Deletes all but the `keep` newest receipts (in the thread); resolves with how many went. */
  prune(keep: number): Promise<number>;
  close(): Promise<void>;
}

export function startReceiptWriter(file: string): ReceiptWriter {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { file, driver } });
  worker.unref();
  const waiting = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>();
  let next = 0;
  let closed: (() => void) | undefined;
  let closing: Promise<void> | undefined;
  worker.on('message', (m: { id?: number; error?: string; closed?: boolean; pruned?: number }) => {
    if (m.closed) {
      closed?.();
      return;
    }
    const w = waiting.get(m.id ?? -1);
    if (w === undefined) return;
    waiting.delete(m.id!);
    if (m.error === undefined) w.resolve(m.pruned ?? 0);
    else w.reject(new Error(`receipt writer: ${m.error}`));
  });
  worker.on('error', (e) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  });
  return {
    write(rows) {
      if (rows.length === 0) return Promise.resolve();
      if (closing !== undefined) return Promise.reject(new Error('receipt writer: closed'));
      const sent: Promise<void>[] = [];
      let from = 0;
      let chars = 0;
      for (let k = 0; k < rows.length; k++) {
        chars += rows[k]!.json.length;
        if (chars >= MESSAGE_CHARS || k === rows.length - 1) {
          sent.push(post(rows.slice(from, k + 1)));
          from = k + 1;
          chars = 0;
        }
      }
      return sent.length === 1 ? sent[0]! : Promise.all(sent).then(() => {});
    },
    raiseSeqs(seqs) {
      if (seqs.size === 0) return Promise.resolve();
      if (closing !== undefined) return Promise.reject(new Error('receipt writer: closed'));
      const id = next++;
      const values = Float64Array.from(seqs.values());
      const message = { id, seqIds: [...seqs.keys()].join('\n'), seqs: values };
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve: () => resolve(), reject });
        worker.postMessage(message, [values.buffer]);
      });
    },
    prune(keep) {
      if (closing !== undefined) return Promise.reject(new Error('receipt writer: closed'));
      const id = next++;
      return new Promise<number>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, prune: Math.max(0, Math.floor(keep)) });
      });
    },
    async close() {
      if (closing !== undefined) return closing;
      closing = shutdown();
      return closing;
    },
  };

  /** One message (one transaction in the thread) for `rows`. */
  function post(rows: readonly ReceiptRecord[]): Promise<void> {
    const id = next++;
    // One string and two typed arrays: cheap to copy to the thread, unlike an array of objects.
    const createdAt = Float64Array.from(rows, (r) => r.createdAt);
    const lengths = Int32Array.from(rows, (r) => r.json.length);
    const message = {
      id,
      ids: rows.map((r) => r.id).join('\n'),
      createdAt,
      lengths,
      text: rows.map((r) => r.json).join(''),
    };
    return new Promise<void>((resolve, reject) => {
      waiting.set(id, { resolve: () => resolve(), reject });
      worker.postMessage(message, [createdAt.buffer, lengths.buffer]);
    });
  }

  async function shutdown(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      closed = resolve;
    });
    worker.postMessage({ close: true });
    await Promise.race([done, new Promise((r) => setTimeout(r, 2000).unref())]);
    await worker.terminate();
  }
}
