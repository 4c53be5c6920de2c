import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NATS_URL, natsReachable } from '../../test/support/nats.js';
import { MemoryStore } from './memory-store.js';
import { NatsStore } from './nats-store.js';
import type { NodeRecord, RegistryStore, WarmActionRecord } from './registry-store.js';
import { SqliteStore } from './sqlite-store.js';

/**
 * The RegistryStore contract, run against every implementation. A new store (NATS KV) adds one entry to
 * IMPLEMENTATIONS; `reopen` is given when the store is durable, to check that a restart loses nothing.
 */
interface Implementation {
  name: string;
  open(): { store: RegistryStore; reopen?: () => RegistryStore; cleanup(): void | Promise<void> };
}

const natsUp = await natsReachable(NATS_URL);
if (!natsUp) console.warn(`skipping the NATS store contract: no NATS server at ${NATS_URL} (set NATS_URL)`);

let natsPrefixes = 0;

const IMPLEMENTATIONS: Implementation[] = [
  { name: 'MemoryStore', open: () => ({ store: new MemoryStore(), cleanup: () => {} }) },
  {
    name: 'SqliteStore (in memory)',
    open: () => ({ store: new SqliteStore(':memory:'), cleanup: () => {} }),
  },
  {
    name: 'SqliteStore (data directory)',
    open: () => {
      const dir = mkdtempSync(join(tmpdir(), 'meridian-store-'));
      return {
        store: new SqliteStore(dir),
        reopen: () => new SqliteStore(dir),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'SqliteStore (data directory, receipts written by a worker thread)',
    open: () => {
      const dir = mkdtempSync(join(tmpdir(), 'meridian-store-'));
      return {
        store: new SqliteStore(dir, { receiptThread: true }),
        reopen: () => new SqliteStore(dir, { receiptThread: true }),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  ...(natsUp
    ? [
        {
          name: 'NatsStore (JetStream KV and stream)',
          open: () => {
            const prefix = `meridian_test_${process.pid}_${Date.now().toString(36)}_${natsPrefixes++}`;
            const make = () => new NatsStore({ servers: NATS_URL, prefix });
            return {
              store: make(),
              reopen: make,
              cleanup: async () => {
                const admin = new NatsStore({ servers: NATS_URL, prefix });
                await admin.destroy();
                await admin.close();
              },
            };
          },
        } satisfies Implementation,
      ]
    : []),
];

function node(id: string, over: Partial<NodeRecord> = {}): NodeRecord {
  return {
    id,
    operator: 'op-a',
    publicKey: 'pk-' + id,
    endpoint: `http://127.0.0.1:9/${id}`,
    descriptor: { id, labels: { provider: { value: 'aws', provenance: 'declared' } }, slots: 4 },
    registeredAt: 1000,
    updatedAt: 1000,
    lastSeq: 0,
    ...over,
  };
}

for (const impl of IMPLEMENTATIONS) {
  describe(`RegistryStore contract: ${impl.name}`, () => {
    let opened: ReturnType<Implementation['open']> | undefined;
    const stores: RegistryStore[] = [];
    const open = () => {
      opened = impl.open();
      stores.push(opened.store);
      return opened.store;
    };
    afterEach(async () => {
      for (const s of stores.splice(0)) await s.close();
      await opened?.cleanup();
      opened = undefined;
    });

    it('starts empty: no nodes, no tokens, unknown receipt is undefined', async () => {
      const s = open();
      expect(await s.listNodes()).toEqual([]);
      expect(await s.listTokens()).toEqual([]);
      expect(await s.getNode('x')).toBeUndefined();
      expect(await s.getReceipt('x')).toBeUndefined();
      expect(await s.deleteNode('x')).toBe(false);
      expect(await s.pruneReceipts(0)).toBe(0);
    });

    it('stores, replaces and deletes nodes, listed in id order with their descriptor intact', async () => {
      const s = open();
      await s.putNode(node('b'));
      await s.putNode(node('a'));
      await s.putNode(node('b', { endpoint: 'http://127.0.0.1:10', updatedAt: 2000 }));
      const all = await s.listNodes();
      expect(all.map((n) => n.id)).toEqual(['a', 'b']);
      expect(all[1]).toEqual(node('b', { endpoint: 'http://127.0.0.1:10', updatedAt: 2000 }));
      expect(await s.deleteNode('a')).toBe(true);
      expect(await s.getNode('a')).toBeUndefined();
      expect((await s.listNodes()).map((n) => n.id)).toEqual(['b']);
    });

    it("keeps a data node's 2 datasets (id, version, size, Merkle root, chunks) through put, get and list", async () => {
      const s = open();
      const datasets = [
        { id: 'imagenet', version: 3, sizeGb: 150, root: 'a'.repeat(64), chunks: 9600, chunkBytes: 4096 },
        { id: 'wiki', version: 1, sizeGb: 0.5, root: '0f'.repeat(32), chunks: 1, chunkBytes: 1 << 20 },
      ];
      const record = node('d', { descriptor: { id: 'd', roles: ['inference', 'data'], datasets } });
      await s.putNode(record);
      expect(await s.getNode('d')).toEqual(record);
      expect((await s.listNodes())[0]!.descriptor).toEqual({
        id: 'd',
        roles: ['inference', 'data'],
        datasets,
      });
    });

    it('returns copies: mutating a returned node does not change the store', async () => {
      const s = open();
      await s.putNode(node('a'));
      const got = (await s.getNode('a'))!;
      got.endpoint = 'changed';
      (got.descriptor as { slots: number }).slots = 99;
      expect(await s.getNode('a')).toEqual(node('a'));
    });

    it('keeps a node attestation verdict (module, 2 PCRs, expiry) through replace and reopen, and drops it when replaced without one', async () => {
      const attestation = {
        kind: 'aws-nitro',
        module: 'i-0123-enc0456',
        verifiedAt: 5000,
        expiresAt: 605_000,
        measurements: { PCR0: 'aa'.repeat(48), PCR1: '00'.repeat(48) },
      };
      const s = open();
      await s.putNode(node('a', { attestation }));
      await s.putNode(node('b'));
      expect(await s.getNode('a')).toEqual(node('a', { attestation }));
      expect((await s.getNode('b'))!.attestation).toBeUndefined();
      const reopen = opened!.reopen;
      if (reopen !== undefined) {
        await s.close();
        stores.splice(stores.indexOf(s), 1);
        const again = reopen();
        stores.push(again);
        expect((await again.listNodes()).map((n) => n.attestation)).toEqual([attestation, undefined]);
        await again.putNode(node('a'));
        expect((await again.getNode('a'))!.attestation).toBeUndefined();
      }
    });

    it('advances the heartbeat sequence only upwards and rejects replays and unknown nodes', async () => {
      const s = open();
      await s.putNode(node('a'));
      expect(await s.advanceSeq('a', 5)).toBe(true);
      expect(await s.advanceSeq('a', 5)).toBe(false);
      expect(await s.advanceSeq('a', 4)).toBe(false);
      expect(await s.advanceSeq('a', 6)).toBe(true);
      expect(await s.advanceSeq('nobody', 1)).toBe(false);
      expect((await s.getNode('a'))!.lastSeq).toBe(6);
    });

    it('stores tokens by hash and replaces one with the same hash', async () => {
      const s = open();
      await s.putToken({ hash: 'bb', operator: 'op-b', createdAt: 1, note: 'config' });
      await s.putToken({ hash: 'aa', operator: 'op-a', createdAt: 2, note: 'admin' });
      await s.putToken({ hash: 'bb', operator: 'op-b', createdAt: 3, note: 'config' });
      expect(await s.getToken('aa')).toEqual({ hash: 'aa', operator: 'op-a', createdAt: 2, note: 'admin' });
      expect((await s.listTokens()).map((t) => [t.hash, t.createdAt])).toEqual([
        ['aa', 2],
        ['bb', 3],
      ]);
    });

    it("keeps a token's kind and expiry, and deletes a token once (true, then false)", async () => {
      const s = open();
      const t = {
        hash: 'cc',
        operator: 'app-1',
        createdAt: 4,
        note: 'admin',
        kind: 'client',
        expiresAt: 9,
      } as const;
      await s.putToken(t);
      expect(await s.getToken('cc')).toEqual(t);
      expect(await s.deleteToken('cc')).toBe(true);
      expect(await s.deleteToken('cc')).toBe(false);
      expect(await s.getToken('cc')).toBeUndefined();
    });

    it('stores receipts in batches and prunes all but the most recent', async () => {
      const s = open();
      await s.putReceipts([]);
      await s.putReceipts([
        { id: 'r1', createdAt: 10, json: '{"n":1}' },
        { id: 'r2', createdAt: 30, json: '{"n":2}' },
        { id: 'r3', createdAt: 20, json: '{"n":3}' },
      ]);
      await s.putReceipts([{ id: 'r4', createdAt: 30, json: '{"n":4}' }]);
      expect(await s.getReceipt('r2')).toEqual({ id: 'r2', createdAt: 30, json: '{"n":2}' });
      // Most recent first: r4 (30, higher id), r2 (30), r3 (20), r1 (10). Keep two.
      expect(await s.pruneReceipts(2)).toBe(2);
      expect(await s.getReceipt('r4')).toBeDefined();
      expect(await s.getReceipt('r2')).toBeDefined();
      expect(await s.getReceipt('r3')).toBeUndefined();
      expect(await s.getReceipt('r1')).toBeUndefined();
    });

    it('stores a batch of 300 receipts of 1 KB (300 KB, several messages to a writer thread) whole: first, last and each 64 K boundary readable', async () => {
      const s = open();
      const json = (k: number) => JSON.stringify({ k, pad: 'x'.repeat(1000) });
      const rows = Array.from({ length: 300 }, (_, k) => ({
        id: `big-${k}`,
        createdAt: 100 + k,
        json: json(k),
      }));
      await s.putReceipts(rows);
      for (const k of [0, 1, 63, 64, 65, 127, 128, 200, 299])
        expect(await s.getReceipt(`big-${k}`)).toEqual({ id: `big-${k}`, createdAt: 100 + k, json: json(k) });
    });

    it('adds demand into buckets (2 + 3 requests → 5) and lists one bucket length from a start, in time, place, model order', async () => {
      const s = open();
      const b = (place: string, startMs: number, requests: number, bucketMs = 60_000) => ({
        place,
        model: 'llama-3.1-8b',
        bucketMs,
        startMs,
        requests,
        tokens: requests * 100,
        unmet: requests > 2 ? 1 : 0,
      });
      expect(await s.listDemand(60_000, 0)).toEqual([]);
      await s.addDemand([b('sao-paulo', 120_000, 2), b('frankfurt', 120_000, 1), b('tokyo', 60_000, 4)]);
      await s.addDemand([b('sao-paulo', 120_000, 3), b('tokyo', 0, 7, 3_600_000)]);
      expect(await s.listDemand(60_000, 60_000)).toEqual([
        b('tokyo', 60_000, 4),
        b('frankfurt', 120_000, 1),
        { ...b('sao-paulo', 120_000, 5), unmet: 1 },
      ]);
      expect((await s.listDemand(60_000, 120_000)).map((x) => x.place)).toEqual(['frankfurt', 'sao-paulo']);
      expect(await s.listDemand(3_600_000, 0)).toEqual([b('tokyo', 0, 7, 3_600_000)]);
    });

    it('records warm-set commands, replaces one on a status change and lists the newest first from a start', async () => {
      const s = open();
      const a = (id: string, createdAt: number, over: Partial<WarmActionRecord> = {}): WarmActionRecord => ({
        id,
        createdAt,
        node: 'fra-1',
        model: 'llama-3.1-8b',
        kind: 'load',
        reason: 'warm only in aws; 2.50 req/s forecast',
        gainMs: 1500.5,
        costMs: 320,
        status: 'pending',
        updatedAt: createdAt,
        ...over,
      });
      expect(await s.listWarmActions(0, 10)).toEqual([]);
      await s.putWarmAction(a('c1', 100));
      await s.putWarmAction(a('c3', 300, { kind: 'unload', gainMs: 0, costMs: 0 }));
      await s.putWarmAction(a('c2', 300));
      await s.putWarmAction(a('c1', 100, { status: 'done', updatedAt: 150, detail: 'loaded in 8.0 s' }));
      expect(await s.listWarmActions(0, 10)).toEqual([
        a('c3', 300, { kind: 'unload', gainMs: 0, costMs: 0 }),
        a('c2', 300),
        a('c1', 100, { status: 'done', updatedAt: 150, detail: 'loaded in 8.0 s' }),
      ]);
      expect((await s.listWarmActions(200, 10)).map((x) => x.id)).toEqual(['c3', 'c2']);
      expect((await s.listWarmActions(0, 1)).map((x) => x.id)).toEqual(['c3']);
    });

    it('keeps nodes, sequences, tokens, receipts and warm-set commands across a restart when durable', async () => {
      const s = open();
      const reopen = opened?.reopen;
      if (reopen === undefined) return; // not durable: nothing to check
      await s.putNode(node('a'));
      await s.advanceSeq('a', 41);
      await s.putToken({ hash: 'aa', operator: 'op-a', createdAt: 2, note: 'admin' });
      await s.putReceipts([{ id: 'r1', createdAt: 10, json: '{}' }]);
      const action: WarmActionRecord = {
        id: 'c1',
        createdAt: 10,
        node: 'a',
        model: 'm',
        kind: 'unload',
        reason: 'idle',
        gainMs: 0,
        costMs: 0,
        status: 'sent',
        updatedAt: 11,
      };
      await s.putWarmAction(action);
      await s.close();
      const again = reopen();
      stores.push(again);
      expect(await again.getNode('a')).toEqual(node('a', { lastSeq: 41 }));
      expect(await again.getToken('aa')).toBeDefined();
      expect(await again.getReceipt('r1')).toEqual({ id: 'r1', createdAt: 10, json: '{}' });
      expect(await again.listWarmActions(0, 5)).toEqual([action]);
    });
  });
}
