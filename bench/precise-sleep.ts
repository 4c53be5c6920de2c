import { Worker } from 'node:worker_threads';

/**
 * Sub-millisecond sleeps that leave the CPU idle, for the open-loop load generator. Node's timers have
 * a 1 ms resolution, so the generator otherwise waits for the next send with `setImmediate`, spinning a
 * whole core — on a 2-core machine that core is taken from the gateway and the worker under test. Here a
 * helper thread blocks in `Atomics.wait` (a futex with a fractional-millisecond timeout) and answers when
 * the time is up; the main thread sleeps in its event loop meanwhile and still takes responses.
 */
const WORKER_CODE = `
const { parentPort } = require('node:worker_threads');
const cell = new Int32Array(new SharedArrayBuffer(4));
parentPort.on('message', (ms) => {
  if (ms > 0) Atomics.wait(cell, 0, 0, ms);
  parentPort.postMessage(0);
});
`;

export interface PreciseSleeper {
  /** Resolves after about `ms` milliseconds (fractions allowed). */
  sleep(ms: number): Promise<void>;
  close(): Promise<void>;
}

export function preciseSleeper(): PreciseSleeper {
  const worker = new Worker(WORKER_CODE, { eval: true });
  worker.unref();
  const waiting: (() => void)[] = [];
  worker.on('message', () => waiting.shift()?.());
  return {
    sleep(ms) {
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        worker.postMessage(ms);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
