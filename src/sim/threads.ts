import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError, type InputIssue, MeridianError, NotFoundError, UsageError } from '../errors.js';
import type { SimInput, SimOptions } from './input.js';
import type { PolicyProgress } from './progress.js';
import type { PolicyResult, SimResults } from './results.js';

/**
 * Runs the policies of a simulation on worker threads, one policy at a time per worker, each worker
 * taking the next policy when it finishes one. Every worker builds the run's shared facts from the same
 * input and seed, and each policy's run reads only those and its own seeded streams, so a policy's
 * results do not depend on which thread ran it or what ran before it there: the merged document is
 * byte for byte the one the single-thread path (`buildResults(runSimulation(…))`) gives.
 *
 * The worker's code is the built `policy-worker.js` next to this module. Under the TypeScript sources
 * (tests) that file does not exist beside this one, so the built copy in `dist/` runs instead.
 */

/** What every worker gets at its start. */
export interface WorkerStart {
  input: SimInput;
  /** The profiles file the router factory resolves policies with (undefined: the built-in ones). */
  profiles: string | undefined;
  options: Partial<SimOptions>;
  /** Whether to report progress, and how many policies the run has. */
  progress: boolean;
  of: number;
}

/** Main thread → worker: run one policy, or stop. */
export type ToWorker = { index: number; policy: string } | { stop: true };

/** Worker → main thread. */
export type FromWorker =
  | { kind: 'progress'; index: number; policy: string; simMs: number; events: number }
  | { kind: 'done'; index: number; results: SimResults }
  | { kind: 'error'; error: WireError };

/** An error as it crosses a thread: enough to rebuild the named error a user would get in one thread. */
export interface WireError {
  name: string;
  code?: string;
  message: string;
  stack?: string;
  source?: string;
  issues?: InputIssue[];
}

export function errorToWire(e: unknown): WireError {
  if (e instanceof InputError)
    return { name: 'InputError', message: e.message, source: e.source, issues: e.issues };
  if (e instanceof MeridianError) return { name: e.name, code: e.code, message: e.message };
  if (e instanceof Error) return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  return { name: 'Error', message: String(e) };
}

/** The same class (hence exit code and text) for the user's mistakes; a plain Error with the worker's stack for bugs. */
export function errorFromWire(w: WireError): Error {
  if (w.name === 'InputError' && w.source !== undefined && w.issues !== undefined)
    return new InputError(w.source, w.issues);
  if (w.name === 'UsageError') return new UsageError(w.message);
  if (w.name === 'NotFoundError' || w.name === 'UnreadableFileError') return new NotFoundError(w.message);
  if (w.code !== undefined) return new MeridianError(w.code, w.message);
  const e = new Error(w.message);
  if (w.stack !== undefined) e.stack = w.stack;
  return e;
}

/** Threads `simulate` uses by default: the cores this process may use. */
export function defaultThreads(): number {
  return availableParallelism();
}

function workerEntry(): URL {
  const built = new URL('./policy-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return built;
  const dist = new URL(import.meta.url.replace(/\/src\/sim\/threads\.ts$/, '/dist/sim/policy-worker.js'));
  if (!existsSync(fileURLToPath(dist)))
    throw new Error(`simulation threads: ${fileURLToPath(dist)} is missing (run npm run build)`);
  return dist;
}

export interface ThreadedRun {
  threads: number;
  profiles?: string | undefined;
  options?: Partial<SimOptions>;
  progress?: ((p: PolicyProgress) => void) | undefined;
}

/** Runs `policies` over `input` on up to `run.threads` workers and returns the results document. */
export async function simulateOnThreads(
  input: SimInput,
  policies: readonly string[],
  run: ThreadedRun,
): Promise<SimResults> {
  const of = policies.length;
  const count = Math.max(1, Math.min(run.threads, of));
  const start: WorkerStart = {
    input,
    profiles: run.profiles,
    options: run.options ?? {},
    progress: run.progress !== undefined,
    of,
  };
  const entry = workerEntry();
  const results: Array<SimResults | undefined> = new Array(of);
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let left = of;
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        reject(e);
      };
      for (let k = 0; k < count; k++) {
        const worker = new Worker(entry, { workerData: start });
        workers.push(worker);
        let current: number | undefined;
        const give = () => {
          if (next >= of) {
            current = undefined;
            worker.postMessage({ stop: true } satisfies ToWorker);
            return;
          }
          current = next++;
          worker.postMessage({ index: current, policy: policies[current]! } satisfies ToWorker);
        };
        worker.on('message', (m: FromWorker) => {
          if (m.kind === 'progress') {
            run.progress?.({ policy: m.policy, index: m.index, of, simMs: m.simMs, events: m.events });
          } else if (m.kind === 'done') {
            results[m.index] = m.results;
            current = undefined;
            run.progress?.({
              policy: policies[m.index]!,
              index: m.index,
              of,
              simMs: input.durationS * 1000,
              events: 0,
              done: true,
            });
            left--;
            if (left === 0) resolve();
            else give();
          } else fail(errorFromWire(m.error));
        });
        worker.on('error', (e) => fail(e));
        worker.on('exit', (code) => {
          if (current !== undefined)
            fail(new Error(`simulation thread running policy ${policies[current]} exited with code ${code}`));
        });
        give();
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const policyResults: Record<string, PolicyResult> = {};
  policies.forEach((name, i) => {
    policyResults[name] = results[i]!.policies[name]!;
  });
  return { ...results[0]!, policies: policyResults };
}
