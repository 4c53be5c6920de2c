import type { KV } from '@nats-io/kv';
import { TimeoutError } from '@nats-io/transport-node';

/** Reads of a key tried before a timeout is reported (see `readKey`). */
const READ_ATTEMPTS = 3;

/**
 * Key `key` of a JetStream KV bucket as stored (null: none). A read the server leaves unanswered — it
 * can, just after the bucket was created by another coordinator starting at the same time (nats-server
 * issue 6421) — is tried again, up to READ_ATTEMPTS in all; other errors are not.
 */
export async function readKey(kv: Pick<KV, 'get'>, key: string): Promise<Awaited<ReturnType<KV['get']>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await kv.get(key);
    } catch (err) {
      if (!(err instanceof TimeoutError) || attempt >= READ_ATTEMPTS) throw err;
    }
  }
}
