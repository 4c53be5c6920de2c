import type { Rng } from '../util/rng.js';
import { ATT_FREE, ATT_RUNNING, type AttemptStore } from './attempts.js';
import { catalogPrefillMs } from './outcome.js';
import type { RequestStore } from './requests.js';
import type { SimWorld } from './router-port.js';
import type { SharedRun } from './shared-run.js';
import type { VerifyJobs } from './verify-jobs.js';

/**
 * What a router may ask of the simulated world besides telemetry: probe round trips (the true RTTs),
 * re-executions (jobs queued on the verifier by `jobs`; a lying verifier's wrong output is drawn from
 * `outputs` when the job finishes), benchmarks (the node's true decode factor against its declared
 * hardware: the simulator's decode has no noise), and what a client knows of its attempt's
 * start — its first byte once the attempt runs (Infinity while it waits or travels), false once it ended.
 */
export function simWorld(
  shared: SharedRun,
  atts: AttemptStore,
  reqs: RequestStore,
  outputs: Rng,
  jobs: VerifyJobs,
): SimWorld {
  return {
    probeRttMs: (metro, node) => shared.rtt.client(metro, node),
    reexecute(job, tMs, done) {
      jobs.submit({ kind: 'spot_check', checkMs: 0, ...job }, tMs, (ok, atMs) =>
        done(ok ? shared.liars.outputDigest(job.node, outputs) : Number.NaN, atMs),
      );
    },
    benchmark: (node, tMs) => shared.hidden.decodeAt(node, tMs),
    firstByte(a, gen, out) {
      if (atts.gen[a] !== gen || atts.state[a] === ATT_FREE) return false;
      const n = atts.node[a]!;
      out.rttMs = shared.rtt.client(reqs.metro[atts.req[a]!]!, n);
      out.catalogPrefillMs = catalogPrefillMs(shared, atts, a);
      out.atMs =
        atts.state[a] === ATT_RUNNING
          ? atts.startT[a]! + atts.prefill[a]! + out.rttMs / 2
          : Number.POSITIVE_INFINITY;
      return true;
    },
  };
}
