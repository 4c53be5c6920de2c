import { connect, type NatsConnection } from '@nats-io/transport-node';
import { checkSubject, type MessageBus, StatusListeners } from './message-bus.js';

export interface NatsBusOptions {
  /** One URL or several for a cluster (`nats://127.0.0.1:4222`). */
  readonly servers: string | readonly string[];
  /** Connection name shown by the server's monitoring. */
  readonly name?: string;
}

/**
 * MessageBus on NATS core subjects (no persistence: JetStream is for the store). The connection retries
 * forever, once a second, so a NATS restart of any length ends in a reconnect.
 */
export class NatsBus implements MessageBus {
  private readonly status = new StatusListeners();
  private up = true;

  private constructor(private readonly nc: NatsConnection) {
    void this.watch();
  }

  /** Connects; rejects when no server of the list answers now. */
  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const nc = await connect({
      servers: typeof options.servers === 'string' ? options.servers : [...options.servers],
      name: options.name ?? 'meridian-bus',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    return new NatsBus(nc);
  }

  private async watch(): Promise<void> {
    for await (const s of this.nc.status()) {
      const up = s.type === 'disconnect' ? false : s.type === 'reconnect' ? true : this.up;
      if (up !== this.up) {
        this.up = up;
        this.status.emit(up);
      }
    }
  }

  publish(subject: string, data: Uint8Array): void {
    checkSubject(subject);
    this.nc.publish(subject, data);
  }

  subscribe(subject: string, handler: (data: Uint8Array) => void): () => void {
    checkSubject(subject);
    const sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err === null) handler(msg.data);
      },
    });
    return () => sub.unsubscribe();
  }

  async flush(): Promise<void> {
    if (this.up && !this.nc.isClosed()) await this.nc.flush();
  }

  connected(): boolean {
    return this.up && !this.nc.isClosed();
  }

  onStatus(fn: (connected: boolean) => void): () => void {
    return this.status.add(fn);
  }

  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain();
    if (this.up) {
      this.up = false;
      this.status.emit(false);
    }
  }
}
