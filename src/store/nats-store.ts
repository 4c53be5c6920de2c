import {
  DeliverPolicy,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  StorageType,
} from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { readKey } from './nats-read.js';
import {
  type DemandBucketRecord,
  type NodeRecord,
  newestWarmActionFirst,
  orderDemand,
  type ReceiptRecord,
  type RegistryStore,
  StoreUnavailableError,
  type TokenRecord,
  type WarmActionRecord,
} from './registry-store.js';

/**
 * RegistryStore on NATS JetStream, shared by every coordinator that names the same servers and prefix:
 *
 *   - KV bucket `<prefix>_nodes`: key = base64url(node id), value = the NodeRecord as JSON. `advanceSeq`
 *     is a compare-and-set on the entry's revision (retried on a concurrent write), so two coordinators
 *     accepting heartbeats of one node can never both accept the same sequence number;
 *   - KV bucket `<prefix>_tokens`: key = the token hash (hex), value = the TokenRecord as JSON;
 *   - stream `<prefix>_receipts` on subjects `<prefix>.receipts.<base64url(id)>`, one message per subject
 *     kept (a receipt stored again replaces the old one); any coordinator reads one by id with a
 *     last-by-subject get. `pruneReceipts` reads the (seq, createdAt, id) of every receipt from headers
 *     and deletes the oldest.
 *   - KV bucket `<prefix>_demand`: key = `<bucketMs>.<startMs>.<base64url(place)>.<base64url(model)>`,
 *     value = the DemandBucketRecord as JSON; `addDemand` adds by compare-and-set on the entry's revision
 *     (retried on a concurrent write), so coordinators adding to one bucket lose no counts.
 *   - KV bucket `<prefix>_warm`: key = base64url(command id), value = the WarmActionRecord as JSON (a
 *     status change replaces it).
 * Buckets and stream use file storage, so a restart of the NATS server keeps them. Connection is made
 * on first use and retried forever once lost; `close()` drains it. While it is lost every call but
 * `getToken` fails at once with StoreUnavailableError. `getToken` reads a copy of the tokens bucket kept
 * in this process by a KV watch: a bearer check costs no round trip, sees a key issued or revoked on
 * another coordinator as soon as the watch delivers it, and keeps answering while NATS is away.
 */
export interface NatsStoreOptions {
  /** One URL or several for a cluster (`nats://127.0.0.1:4222`). */
  readonly servers: string | readonly string[];
  /** Name prefix of the buckets, stream and subjects (default `meridian`); letters, digits, `-` and `_`. */
  readonly prefix?: string;
}

interface Handles {
  nc: NatsConnection;
  nodes: KV;
  tokens: KV;
  demand: KV;
  warm: KV;
  jsm: JetStreamManager;
}

const key = (id: string) => Buffer.from(id, 'utf8').toString('base64url') || '_';
const unkey = (k: string) => (k === '_' ? '' : Buffer.from(k, 'base64url').toString('utf8'));
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const parse = <T>(b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as T;

export class NatsStore implements RegistryStore {
  readonly prefix: string;
  private readonly servers: string[];
  private handles: Promise<Handles> | undefined;
  private up = false;
  /** The tokens bucket as last seen (hash → record); `tokensReady` once the watch caught up. */
  private readonly tokenCopy = new Map<string, TokenRecord>();
  private tokensReady = false;
  private stopWatch: (() => void) | undefined;

  constructor(options: NatsStoreOptions) {
    this.prefix = options.prefix ?? 'meridian';
    if (!/^[A-Za-z0-9_-]+$/.test(this.prefix))
      throw new RangeError(`NATS store prefix must be letters, digits, - and _ (got "${this.prefix}")`);
    this.servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  }

  private get stream(): string {
    return `${this.prefix}_receipts`;
  }

  private subject(id: string): string {
    return `${this.prefix}.receipts.${key(id)}`;
  }

  private open(): Promise<Handles> {
    this.handles ??= (async () => {
      const nc = await connect({
        servers: this.servers,
        name: `meridian-store-${this.prefix}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
      });
      this.up = true;
      void this.followStatus(nc);
      const kvm = new Kvm(nc);
      const opts = { history: 1, storage: StorageType.File };
      const [nodes, tokens, demand, warm] = await Promise.all([
        kvm.create(`${this.prefix}_nodes`, opts),
        kvm.create(`${this.prefix}_tokens`, opts),
        kvm.create(`${this.prefix}_demand`, opts),
        kvm.create(`${this.prefix}_warm`, opts),
      ]);
      const jsm = await jetstreamManager(nc);
      try {
        await jsm.streams.info(this.stream);
      } catch {
        await jsm.streams.add({
          name: this.stream,
          subjects: [`${this.prefix}.receipts.>`],
          storage: StorageType.File,
          max_msgs_per_subject: 1,
          allow_direct: true,
        });
      }
      await this.copyTokens(tokens);
      return { nc, nodes, tokens, demand, warm, jsm };
    })();
    return this.handles;
  }

  /** Whether NATS is reachable now (false before the first use and while reconnecting). */
  connected(): boolean {
    return this.up;
  }

  private async followStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') this.up = false;
      if (s.type === 'reconnect') this.up = true;
    }
    this.up = false;
  }

  /** The handles when NATS is reachable; StoreUnavailableError at once when it is not. */
  private async live(): Promise<Handles> {
    const h = await this.open();
    if (!this.up) throw new StoreUnavailableError(`NATS is not reachable (${this.servers.join(', ')})`);
    return h;
  }

  /** Starts the watch that keeps `tokenCopy`; ready at once for an empty bucket. */
  private async copyTokens(tokens: KV): Promise<void> {
    const watch = await tokens.watch();
    this.stopWatch = () => watch.stop();
    if ((await tokens.status()).values === 0) this.tokensReady = true;
    void (async () => {
      for await (const e of watch) {
        if (e.operation === 'PUT') this.tokenCopy.set(e.key, parse<TokenRecord>(e.value));
        else this.tokenCopy.delete(e.key);
        if (e.delta === 0) this.tokensReady = true;
      }
    })();
  }

  async putNode(node: NodeRecord): Promise<void> {
    const { nodes } = await this.live();
    await nodes.put(key(node.id), json(node));
  }

  async getNode(id: string): Promise<NodeRecord | undefined> {
    const { nodes } = await this.live();
    const e = await readKey(nodes, key(id));
    return e === null || e.operation !== 'PUT' ? undefined : parse<NodeRecord>(e.value);
  }

  async listNodes(): Promise<NodeRecord[]> {
    const { nodes } = await this.live();
    const ids: string[] = [];
    for await (const k of await nodes.keys()) ids.push(unkey(k));
    ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out: NodeRecord[] = [];
    for (let i = 0; i < ids.length; i += 256) {
      const chunk = await Promise.all(ids.slice(i, i + 256).map((id) => this.getNode(id)));
      for (const n of chunk) if (n !== undefined) out.push(n);
    }
    return out;
  }

  async deleteNode(id: string): Promise<boolean> {
    const { nodes } = await this.live();
    const e = await readKey(nodes, key(id));
    if (e === null || e.operation !== 'PUT') return false;
    await nodes.delete(key(id));
    return true;
  }

  async advanceSeq(id: string, seq: number): Promise<boolean> {
    const { nodes } = await this.live();
    for (let attempt = 0; attempt < 20; attempt++) {
      const e = await readKey(nodes, key(id));
      if (e === null || e.operation !== 'PUT') return false;
      const n = parse<NodeRecord>(e.value);
      if (!(seq > n.lastSeq)) return false;
      try {
        await nodes.update(key(id), json({ ...n, lastSeq: seq }), e.revision);
        return true;
      } catch (err) {
        if (!/wrong last sequence/i.test((err as Error).message)) throw err;
      }
    }
    return false;
  }

  async putToken(token: TokenRecord): Promise<void> {
    const { tokens } = await this.live();
    await tokens.put(token.hash, json(token));
    this.tokenCopy.set(token.hash, { ...token });
  }

  async getToken(hash: string): Promise<TokenRecord | undefined> {
    if (!/^[A-Za-z0-9_=-]+$/.test(hash)) return undefined;
    const { tokens } = await this.open();
    if (this.tokensReady) {
      const t = this.tokenCopy.get(hash);
      return t === undefined ? undefined : { ...t };
    }
    const e = await readKey(tokens, hash);
    return e === null || e.operation !== 'PUT' ? undefined : parse<TokenRecord>(e.value);
  }

  async deleteToken(hash: string): Promise<boolean> {
    if ((await this.getToken(hash)) === undefined) return false;
    const { tokens } = await this.live();
    await tokens.delete(hash);
    this.tokenCopy.delete(hash);
    return true;
  }

  async listTokens(): Promise<TokenRecord[]> {
    const { tokens } = await this.live();
    const hashes: string[] = [];
    for await (const k of await tokens.keys()) hashes.push(k);
    hashes.sort();
    const out: TokenRecord[] = [];
    for (const h of hashes) {
      const t = await this.getToken(h);
      if (t !== undefined) out.push(t);
    }
    return out;
  }

  async putReceipts(receipts: readonly ReceiptRecord[]): Promise<void> {
    if (receipts.length === 0) return;
    const { nc } = await this.live();
    const js = jetstream(nc);
    await Promise.all(
      receipts.map((r) => {
        const h = headers();
        h.set('Meridian-Receipt-Id', r.id);
        h.set('Meridian-Created-At', String(r.createdAt));
        return js.publish(this.subject(r.id), r.json, { headers: h });
      }),
    );
  }

  async getReceipt(id: string): Promise<ReceiptRecord | undefined> {
    const { jsm } = await this.live();
    const m = await jsm.streams.getMessage(this.stream, { last_by_subj: this.subject(id) }).catch(() => null);
    if (m === null) return undefined;
    return { id, createdAt: Number(m.header.get('Meridian-Created-At')), json: m.string() };
  }

  async pruneReceipts(keep: number): Promise<number> {
    const { nc, jsm } = await this.live();
    const info = await jsm.streams.info(this.stream);
    if (info.state.messages <= keep) return 0;
    const all: { seq: number; id: string; createdAt: number }[] = [];
    const consumer = await jetstream(nc).consumers.get(this.stream, {
      deliver_policy: DeliverPolicy.All,
      headers_only: true,
    });
    const messages = await consumer.fetch({ max_messages: info.state.messages, expires: 5000 });
    for await (const m of messages) {
      all.push({
        seq: m.seq,
        id: m.headers?.get('Meridian-Receipt-Id') ?? '',
        createdAt: Number(m.headers?.get('Meridian-Created-At')),
      });
      if (all.length >= info.state.messages) break;
    }
    all.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const drop = all.slice(Math.max(keep, 0));
    for (const r of drop) await jsm.streams.deleteMessage(this.stream, r.seq, false);
    return drop.length;
  }

  async addDemand(buckets: readonly DemandBucketRecord[]): Promise<void> {
    const { demand } = await this.live();
    for (const b of buckets) {
      const k = `${b.bucketMs}.${b.startMs}.${key(b.place)}.${key(b.model)}`;
      for (let attempt = 0; ; attempt++) {
        const e = await readKey(demand, k);
        try {
          if (e === null || e.operation !== 'PUT') await demand.create(k, json(b));
          else {
            const prev = parse<DemandBucketRecord>(e.value);
            const next = {
              ...prev,
              requests: prev.requests + b.requests,
              tokens: prev.tokens + b.tokens,
              unmet: prev.unmet + b.unmet,
            };
            await demand.update(k, json(next), e.revision);
          }
          break;
        } catch (err) {
          if (attempt >= 50 || !/wrong last sequence|key exists/i.test((err as Error).message)) throw err;
        }
      }
    }
  }

  async listDemand(bucketMs: number, sinceMs: number): Promise<DemandBucketRecord[]> {
    const { demand } = await this.live();
    const out: DemandBucketRecord[] = [];
    for await (const k of await demand.keys(`${bucketMs}.>`)) {
      const start = Number(k.split('.')[1]);
      if (!(start >= sinceMs)) continue;
      const e = await readKey(demand, k);
      if (e !== null && e.operation === 'PUT') out.push(parse<DemandBucketRecord>(e.value));
    }
    return out.sort(orderDemand);
  }

  async putWarmAction(action: WarmActionRecord): Promise<void> {
    const { warm } = await this.open();
    await warm.put(key(action.id), json(action));
  }

  async listWarmActions(sinceMs: number, limit: number): Promise<WarmActionRecord[]> {
    const { warm } = await this.open();
    const out: WarmActionRecord[] = [];
    for await (const k of await warm.keys()) {
      const e = await readKey(warm, k);
      if (e === null || e.operation !== 'PUT') continue;
      const a = parse<WarmActionRecord>(e.value);
      if (a.createdAt >= sinceMs) out.push(a);
    }
    return out.sort(newestWarmActionFirst).slice(0, Math.max(0, limit));
  }

  /** Deletes the buckets and the stream (tests; an operator's teardown). */
  async destroy(): Promise<void> {
    const { nodes, tokens, demand, warm, jsm } = await this.open();
    await Promise.all([
      nodes.destroy(),
      tokens.destroy(),
      demand.destroy(),
      warm.destroy(),
      jsm.streams.delete(this.stream),
    ]);
  }

  async close(): Promise<void> {
    if (this.handles === undefined) return;
    const { nc } = await this.handles;
    this.handles = undefined;
    this.stopWatch?.();
    this.up = false;
    if (!nc.isClosed()) await nc.drain();
  }
}
