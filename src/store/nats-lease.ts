import { StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type Lease, type LeaseStore, mayTake } from './lease.js';
import { readKey } from './nats-read.js';

export interface NatsLeasesOptions {
  readonly servers: string | readonly string[];
  /** The bucket is `<prefix>_leases`. */
  readonly prefix?: string;
}

const encode = (v: Lease) => new TextEncoder().encode(JSON.stringify(v));
const decode = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as Lease;
/** What NATS answers when a create or update lost the race. */
const LOST_RACE = /wrong last sequence|key exists/i;

/**
 * Leases in the JetStream KV bucket `<prefix>_leases`, one key per lease holding `{holder, until}`. A take
 * or renewal writes with `create` (no key yet) or `update` at the revision read, so when several ask at
 * once the server accepts one write and refuses the others; a refused asker reads the winner and
 * returns it. Connects on first use; NATS errors (unreachable, timed out) reject the call.
 */
export class NatsLeases implements LeaseStore {
  private readonly prefix: string;
  private readonly servers: string[];
  private handles: Promise<{ nc: NatsConnection; kv: KV }> | undefined;

  constructor(options: NatsLeasesOptions) {
    this.prefix = options.prefix ?? 'meridian';
    if (!/^[A-Za-z0-9_-]+$/.test(this.prefix))
      throw new RangeError(`NATS lease prefix must be letters, digits, - and _ (got "${this.prefix}")`);
    this.servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  }

  private open(): Promise<{ nc: NatsConnection; kv: KV }> {
    this.handles ??= (async () => {
      const nc = await connect({
        servers: this.servers,
        name: `meridian-leases-${this.prefix}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
      });
      const kv = await new Kvm(nc).create(`${this.prefix}_leases`, { history: 1, storage: StorageType.File });
      return { nc, kv };
    })();
    this.handles.catch(() => {
      this.handles = undefined;
    });
    return this.handles;
  }

  async acquire(name: string, holder: string, ttlMs: number, now: number): Promise<Lease> {
    const { kv } = await this.open();
    const e = await readKey(kv, name);
    const current = e === null || e.operation !== 'PUT' ? undefined : decode(e.value);
    if (!mayTake(current, holder, now)) return current!;
    const next = { holder, until: now + ttlMs };
    try {
      if (e === null || current === undefined) await kv.create(name, encode(next));
      else await kv.update(name, encode(next), e.revision);
      return next;
    } catch (err) {
      if (!LOST_RACE.test((err as Error).message)) throw err;
      const won = await readKey(kv, name);
      return won === null || won.operation !== 'PUT' ? { holder: '', until: 0 } : decode(won.value);
    }
  }

  async release(name: string, holder: string): Promise<void> {
    const { kv } = await this.open();
    const e = await readKey(kv, name);
    if (e === null || e.operation !== 'PUT' || decode(e.value).holder !== holder) return;
    try {
      await kv.update(name, encode({ holder, until: 0 }), e.revision);
    } catch (err) {
      // Someone renewed or took it meanwhile: then it is not ours to give up.
      if (!LOST_RACE.test((err as Error).message)) throw err;
    }
  }

  /** Deletes the bucket (tests; an operator's teardown). */
  async destroy(): Promise<void> {
    const { kv } = await this.open();
    await kv.destroy();
  }

  async close(): Promise<void> {
    if (this.handles === undefined) return;
    const { nc } = await this.handles;
    this.handles = undefined;
    if (!nc.isClosed()) await nc.drain();
  }
}
