import { TimeoutError } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { readKey } from './nats-read.js';

/** A bucket whose first `timeouts` reads go unanswered, then answer with no entry; counts the reads. */
function bucket(timeouts: number, other?: Error) {
  let reads = 0;
  return {
    get reads() {
      return reads;
    },
    async get() {
      reads++;
      if (other) throw other;
      if (reads <= timeouts) throw new TimeoutError();
      return null;
    },
  };
}

describe('readKey', () => {
  it('tries a read the server left unanswered again: 2 timeouts, then the answer on the 3rd read', async () => {
    const kv = bucket(2);
    await expect(readKey(kv, 'warmset')).resolves.toBeNull();
    expect(kv.reads).toBe(3);
  });

  it('reports the timeout after 3 unanswered reads, and any other error at once', async () => {
    const slow = bucket(3);
    await expect(readKey(slow, 'warmset')).rejects.toBeInstanceOf(TimeoutError);
    expect(slow.reads).toBe(3);
    const denied = bucket(0, new Error('permissions violation'));
    await expect(readKey(denied, 'warmset')).rejects.toThrow('permissions violation');
    expect(denied.reads).toBe(1);
  });
});
