import {
  type DemandBucketRecord,
  demandKey,
  type NodeRecord,
  newestWarmActionFirst,
  orderDemand,
  type ReceiptRecord,
  type RegistryStore,
  type TokenRecord,
  type WarmActionRecord,
} from './registry-store.js';

/** A RegistryStore in process memory: for tests and throwaway runs. Returns copies, never live objects. */
export class MemoryStore implements RegistryStore {
  private readonly nodes = new Map<string, NodeRecord>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly receipts = new Map<string, ReceiptRecord>();
  private readonly demand = new Map<string, DemandBucketRecord>();
  private readonly warm = new Map<string, WarmActionRecord>();

  async putNode(node: NodeRecord): Promise<void> {
    this.nodes.set(node.id, structuredClone(node));
  }

  async getNode(id: string): Promise<NodeRecord | undefined> {
    const n = this.nodes.get(id);
    return n === undefined ? undefined : structuredClone(n);
  }

  async listNodes(): Promise<NodeRecord[]> {
    return [...this.nodes.values()].sort(byKey((n) => n.id)).map((n) => structuredClone(n));
  }

  async deleteNode(id: string): Promise<boolean> {
    return this.nodes.delete(id);
  }

  async advanceSeq(id: string, seq: number): Promise<boolean> {
    const n = this.nodes.get(id);
    if (n === undefined || !(seq > n.lastSeq)) return false;
    n.lastSeq = seq;
    return true;
  }

  async putToken(token: TokenRecord): Promise<void> {
    this.tokens.set(token.hash, { ...token });
  }

  async getToken(hash: string): Promise<TokenRecord | undefined> {
    const t = this.tokens.get(hash);
    return t === undefined ? undefined : { ...t };
  }

  async deleteToken(hash: string): Promise<boolean> {
    return this.tokens.delete(hash);
  }

  async listTokens(): Promise<TokenRecord[]> {
    return [...this.tokens.values()].sort(byKey((t) => t.hash)).map((t) => ({ ...t }));
  }

  async putReceipts(receipts: readonly ReceiptRecord[]): Promise<void> {
    for (const r of receipts) this.receipts.set(r.id, { ...r });
  }

  async getReceipt(id: string): Promise<ReceiptRecord | undefined> {
    const r = this.receipts.get(id);
    return r === undefined ? undefined : { ...r };
  }

  async pruneReceipts(keep: number): Promise<number> {
    const all = [...this.receipts.values()].sort(
      (a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    );
    const gone = all.slice(Math.max(0, keep));
    for (const r of gone) this.receipts.delete(r.id);
    return gone.length;
  }

  async addDemand(buckets: readonly DemandBucketRecord[]): Promise<void> {
    for (const b of buckets) {
      const k = demandKey(b);
      const prev = this.demand.get(k);
      if (prev === undefined) this.demand.set(k, { ...b });
      else {
        prev.requests += b.requests;
        prev.tokens += b.tokens;
        prev.unmet += b.unmet;
      }
    }
  }

  async listDemand(bucketMs: number, sinceMs: number): Promise<DemandBucketRecord[]> {
    const out = [...this.demand.values()].filter((b) => b.bucketMs === bucketMs && b.startMs >= sinceMs);
    return out.sort(orderDemand).map((b) => ({ ...b }));
  }

  async putWarmAction(action: WarmActionRecord): Promise<void> {
    this.warm.set(action.id, { ...action });
  }

  async listWarmActions(sinceMs: number, limit: number): Promise<WarmActionRecord[]> {
    const out = [...this.warm.values()].filter((a) => a.createdAt >= sinceMs).sort(newestWarmActionFirst);
    return out.slice(0, Math.max(0, limit)).map((a) => ({ ...a }));
  }

  async close(): Promise<void> {}
}

function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}
