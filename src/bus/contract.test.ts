import { afterEach, describe, expect, it } from 'vitest';
import { NATS_URL, natsReachable } from '../../test/support/nats.js';
import { MemoryHub } from './memory-bus.js';
import type { MessageBus } from './message-bus.js';
import { NatsBus } from './nats-bus.js';

/**
 * The MessageBus contract, run against every implementation. `open` gives `n` buses that see each other
 * (one hub, or one NATS server) and a subject prefix no other test uses.
 */
interface Implementation {
  name: string;
  open(n: number): Promise<MessageBus[]>;
}

const natsUp = await natsReachable(NATS_URL);
if (!natsUp) console.warn(`skipping the NATS bus contract: no NATS server at ${NATS_URL} (set NATS_URL)`);

const IMPLEMENTATIONS: Implementation[] = [
  {
    name: 'MemoryBus',
    open: async (n) => {
      const hub = new MemoryHub();
      return Array.from({ length: n }, () => hub.connect());
    },
  },
  ...(natsUp
    ? [
        {
          name: 'NatsBus',
          open: (n: number) =>
            Promise.all(Array.from({ length: n }, () => NatsBus.connect({ servers: NATS_URL }))),
        },
      ]
    : []),
];

let subjects = 0;
const fresh = () => `meridian_test_bus_${process.pid}_${Date.now().toString(36)}_${subjects++}`;
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Waits until `done()` holds, giving the bus up to 10 s (a bound on a hang, not a speed requirement). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe.each(IMPLEMENTATIONS)('MessageBus contract: $name', (impl) => {
  let open: MessageBus[] = [];
  const buses = async (n: number) => (open = await impl.open(n));
  afterEach(async () => {
    for (const b of open) await b.close();
    open = [];
  });

  it('delivers 1,000 messages of one publisher to three subscribers, its own included, in order', async () => {
    const [a, b, c] = await buses(3);
    const subject = `${fresh()}.beats`;
    const got: string[][] = [[], [], []];
    for (const [i, bus] of [a!, b!, c!].entries()) bus.subscribe(subject, (d) => got[i]!.push(text(d)));
    await Promise.all([a!, b!, c!].map((x) => x.flush()));
    const sent = Array.from({ length: 1000 }, (_, i) => `m${i}`);
    for (const m of sent) a!.publish(subject, bytes(m));
    await a!.flush();
    await until(() => got.every((g) => g.length >= 1000));
    expect(got).toEqual([sent, sent, sent]);
  });

  it('keeps subjects apart: a subscriber of x.a never sees x.b or x', async () => {
    const [a, b] = await buses(2);
    const base = fresh();
    const got: string[] = [];
    b!.subscribe(`${base}.a`, (d) => got.push(text(d)));
    await b!.flush();
    a!.publish(`${base}.b`, bytes('b'));
    a!.publish(base, bytes('root'));
    a!.publish(`${base}.a`, bytes('a'));
    await a!.flush();
    await until(() => got.length >= 1);
    expect(got).toEqual(['a']);
  });

  it('stops delivering to a handler once its subscription is stopped (2 of 3 messages)', async () => {
    const [a, b] = await buses(2);
    const subject = fresh();
    const got: string[] = [];
    const last: string[] = [];
    const stop = b!.subscribe(subject, (d) => got.push(text(d)));
    b!.subscribe(subject, (d) => last.push(text(d)));
    await b!.flush();
    a!.publish(subject, bytes('1'));
    a!.publish(subject, bytes('2'));
    await a!.flush();
    await until(() => got.length >= 2);
    stop();
    await b!.flush();
    a!.publish(subject, bytes('3'));
    await a!.flush();
    await until(() => last.length >= 3);
    expect(got).toEqual(['1', '2']);
    expect(last).toEqual(['1', '2', '3']);
  });

  it('carries bytes unchanged (0…255 and a 64 KiB payload)', async () => {
    const [a, b] = await buses(2);
    const subject = fresh();
    const got: Uint8Array[] = [];
    b!.subscribe(subject, (d) => got.push(d));
    await b!.flush();
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const big = new Uint8Array(64 * 1024).fill(7);
    a!.publish(subject, all);
    a!.publish(subject, big);
    await a!.flush();
    await until(() => got.length >= 2);
    expect([...got[0]!]).toEqual([...all]);
    expect(got[1]!.length).toBe(65_536);
  });

  it('is connected once open and not after close; announces the close', async () => {
    const [a] = await buses(1);
    const seen: boolean[] = [];
    a!.onStatus((up) => seen.push(up));
    expect(a!.connected()).toBe(true);
    await a!.close();
    expect(a!.connected()).toBe(false);
    expect(seen).toEqual([false]);
  });

  it.each(['', 'a..b', 'a.*', 'a.>', 'a b', '.a', 'a.'])(
    'refuses the subject "%s" with a RangeError',
    async (s) => {
      const [a] = await buses(1);
      expect(() => a!.publish(s, bytes('x'))).toThrow(RangeError);
      expect(() => a!.subscribe(s, () => {})).toThrow(/tokens of letters, digits, - and _ joined by dots/);
    },
  );
});

describe('MemoryBus partitions', () => {
  it('loses what a cut-off bus publishes and what it would have received; delivers again once back', async () => {
    const hub = new MemoryHub();
    const a = hub.connect();
    const b = hub.connect();
    const atA: string[] = [];
    const atB: string[] = [];
    a.subscribe('s', (d) => atA.push(text(d)));
    b.subscribe('s', (d) => atB.push(text(d)));
    const status: boolean[] = [];
    a.onStatus((up) => status.push(up));
    a.disconnect();
    a.publish('s', bytes('lost-from-a'));
    b.publish('s', bytes('from-b'));
    await hub.settled();
    a.reconnect();
    a.publish('s', bytes('after'));
    await hub.settled();
    expect(atB).toEqual(['from-b', 'after']);
    expect(atA).toEqual(['after']);
    expect(status).toEqual([false, true]);
  });
});
