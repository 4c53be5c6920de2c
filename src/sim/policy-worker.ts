import { parentPort, workerData } from 'node:worker_threads';
import { PolicyResolver } from '../routing/resolver.js';
import { buildResults } from './results.js';
import { routerFactoryFor } from './route-adapter.js';
import { prepareRun } from './run.js';
import type { SharedRun } from './shared-run.js';
import { simulatePolicy } from './simulation.js';
import { errorToWire, type FromWorker, type ToWorker, type WorkerStart } from './threads.js';

/**
 * A simulation thread (started by threads.ts): builds the run's shared facts once, then runs the policies
 * it is given one at a time and sends back each one's results document (with that policy alone).
 */
const PROGRESS_EVERY_MS = 100;

const port = parentPort;
if (port === null) throw new Error('policy-worker.js runs only as a worker thread');
const start = workerData as WorkerStart;
let shared: SharedRun | undefined;
let factory: ReturnType<typeof routerFactoryFor> | undefined;

function send(m: FromWorker): void {
  port!.postMessage(m);
}

port.on('message', (m: ToWorker) => {
  if ('stop' in m) {
    port.close();
    return;
  }
  try {
    factory ??= routerFactoryFor(PolicyResolver.load(start.profiles));
    shared ??= prepareRun(start.input, start.options);
    let last = Number.NEGATIVE_INFINITY;
    const hooks = start.progress
      ? {
          progress: (simMs: number, events: number) => {
            const now = performance.now();
            if (now - last < PROGRESS_EVERY_MS) return;
            last = now;
            send({ kind: 'progress', index: m.index, policy: m.policy, simMs, events });
          },
        }
      : {};
    const metrics = simulatePolicy(shared, m.policy, factory, hooks);
    send({
      kind: 'done',
      index: m.index,
      results: buildResults({ shared, policies: [{ name: m.policy, metrics }] }),
    });
  } catch (e) {
    send({ kind: 'error', error: errorToWire(e) });
  }
});
