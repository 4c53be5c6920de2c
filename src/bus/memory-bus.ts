import { checkSubject, type MessageBus, StatusListeners } from './message-bus.js';

/**
 * Buses in one process that see each other's messages (tests, the simulator). Delivery is asynchronous,
 * as over a network, and in publishing order. `disconnect()` on one bus cuts it off both ways until
 * `reconnect()`: what it publishes meanwhile is lost, and so is what others publish meanwhile.
 */
export class MemoryHub {
  private readonly buses = new Set<MemoryBus>();
  private queue: (() => void)[] = [];
  private scheduled = false;

  /** A new bus on this hub, connected. */
  connect(): MemoryBus {
    const bus = new MemoryBus(this);
    this.buses.add(bus);
    return bus;
  }

  /** @internal Queues delivery of one message to every connected bus subscribed to `subject`. */
  send(subject: string, data: Uint8Array): void {
    for (const bus of this.buses) if (bus.connected()) this.queue.push(() => bus.deliver(subject, data));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** @internal */
  leave(bus: MemoryBus): void {
    this.buses.delete(bus);
  }

  /** Resolves once every queued delivery ran. */
  async settled(): Promise<void> {
    while (this.scheduled) await new Promise((r) => setImmediate(r));
  }

  private drain(): void {
    const q = this.queue;
    this.queue = [];
    this.scheduled = false;
    for (const deliver of q) deliver();
  }
}

export class MemoryBus implements MessageBus {
  private readonly handlers = new Map<string, Set<(data: Uint8Array) => void>>();
  private readonly status = new StatusListeners();
  private up = true;
  private closed = false;

  constructor(private readonly hub: MemoryHub) {}

  publish(subject: string, data: Uint8Array): void {
    checkSubject(subject);
    if (this.closed) throw new Error('the bus is closed');
    if (this.up) this.hub.send(subject, data);
  }

  subscribe(subject: string, handler: (data: Uint8Array) => void): () => void {
    checkSubject(subject);
    let set = this.handlers.get(subject);
    if (set === undefined) this.handlers.set(subject, (set = new Set()));
    const own = (data: Uint8Array) => handler(data);
    set.add(own);
    return () => set.delete(own);
  }

  async flush(): Promise<void> {
    await this.hub.settled();
  }

  connected(): boolean {
    return this.up && !this.closed;
  }

  onStatus(fn: (connected: boolean) => void): () => void {
    return this.status.add(fn);
  }

  /** Cuts this bus off the hub (a partition); see MemoryHub. */
  disconnect(): void {
    if (!this.up || this.closed) return;
    this.up = false;
    this.status.emit(false);
  }

  /** Joins the hub again. */
  reconnect(): void {
    if (this.up || this.closed) return;
    this.up = true;
    this.status.emit(true);
  }

  /** @internal */
  deliver(subject: string, data: Uint8Array): void {
    if (!this.connected()) return;
    for (const h of this.handlers.get(subject) ?? []) h(data);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.hub.settled();
    this.closed = true;
    this.handlers.clear();
    this.hub.leave(this);
    this.status.emit(false);
  }
}
