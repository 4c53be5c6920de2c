import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../src/store/memory-store.js';
import type { NodeRecord, ReceiptRecord } from '../src/store/registry-store.js';
import { descriptor, register, startCoordinator, type TestCoordinator } from './server-kit.js';

/** Issue 10, item 6 (in process): a failing store shows in /healthz and on stderr; receipts stay bounded. */
class FaultyStore extends MemoryStore {
  failReceipts = false;
  failNodes = false;
  behind: string | undefined;
  override async putReceipts(r: readonly ReceiptRecord[]): Promise<void> {
    if (this.failReceipts) throw new Error('attempt to write a readonly database');
    return super.putReceipts(r);
  }
  override async putNode(n: NodeRecord): Promise<void> {
    if (this.failNodes) throw new Error('disk I/O error');
    return super.putNode(n);
  }
  writeError(): string | undefined {
    return this.behind;
  }
}

let c: TestCoordinator | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await c?.close();
  c = undefined;
});

const health = async (co: TestCoordinator) => {
  const res = await co.app.inject({ method: 'GET', url: '/healthz' });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
};

describe('store faults', () => {
  it('/healthz answers 503 while receipt writes fail and 200 again once one succeeds', async () => {
    const store = new FaultyStore();
    c = await startCoordinator({}, { store });
    store.failReceipts = true;
    c.coordinator.receipts.add('r1', Date.now(), { x: 1 });
    await c.coordinator.receipts.flush();
    const bad = await health(c);
    expect(bad.status).toBe(503);
    expect(bad.body.ok).toBe(false);
    expect(String(bad.body.receiptStoreError)).toContain('readonly');
    store.failReceipts = false;
    await c.coordinator.receipts.flush();
    expect((await health(c)).status).toBe(200);
    expect((await store.getReceipt('r1'))?.id).toBe('r1');
  });

  it('/healthz answers 503 naming the error while the store reports a failed background write', async () => {
    const store = new FaultyStore();
    c = await startCoordinator({}, { store });
    expect((await health(c)).status).toBe(200);
    store.behind = 'database is locked';
    const h = await health(c);
    expect(h.status).toBe(503);
    expect(h.body.storeError).toBe('database is locked');
  });

  it('keeps at most maxPending = 100 receipts waiting for a failing store: of 150, the oldest 50 are dropped and counted', async () => {
    const store = new FaultyStore();
    store.failReceipts = true;
    c = await startCoordinator({ receipts: { maxPending: 100, flushMs: 60_000 } }, { store });
    const log = c.coordinator.receipts;
    for (let k = 0; k < 150; k++) log.add(`r${k}`, k, { k });
    expect(log.dropped).toBe(50);
    expect(await log.get('r49')).toBeUndefined();
    expect(await log.get('r50')).toEqual({ k: 50 });
    expect(await log.get('r149')).toEqual({ k: 149 });
    await log.flush();
    expect((await health(c)).body.receiptsDropped).toBe(50);
  });

  it('logs a 500 to stderr with method, path and message (the client gets no stack)', async () => {
    const store = new FaultyStore();
    c = await startCoordinator({}, { store });
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    store.failNodes = true;
    await expect(register(c, descriptor('n1'), 'http://127.0.0.1:9')).rejects.toThrow(/500/);
    const logged = lines.join('');
    expect(logged).toContain('500 POST /v1/nodes');
    expect(logged).toContain('disk I/O error');
  });
});
