import { VERIFICATION_REQUIREMENTS } from '../model/request.js';
import type { AttemptStore } from './attempts.js';
import { type SimNetwork, VREQ } from './network.js';
import { MAX_VERIFIERS, type RequestStore } from './requests.js';
import { Sketch } from './sketch.js';
import type { VerifyJobs } from './verify-jobs.js';

/** Index of the `zkml` requirement in VERIFICATION_REQUIREMENTS (and in the VREQ-indexed tables). */
export const ZKML = VERIFICATION_REQUIREMENTS.indexOf('zkml');

/** A check job's service is at least this long (ms): a job of 0 ms would be taken for a re-execution. */
const MIN_CHECK_MS = 0.001;

/** What a run's served zkML requests cost and what the checks of their proofs found. */
export class ZkmlTally {
  /** Served zkML requests, and those the router named no verifier for (no full node qualified). */
  served = 0;
  unverified = 0;
  /** Time the executor spent proving, ms: the share (costFactor − 1) ÷ costFactor of its service. */
  readonly proveMs = new Sketch();
  /** From the result to the verifier's verdict, ms: one way executor → verifier, queue, check. */
  readonly checkMs = new Sketch();
  valid = 0;
  invalid = 0;
  /** Checks lost because the verifier was down or failed. */
  failed = 0;
}

/**
 * Attempt `a` served a zkML request at `t` with output `digest` (0: the right output). Each verifier the
 * router named for the request (full nodes) checks the proof in a job of the model's `verifyMs` for the
 * mode, queued on one of its slots like any request. A proof of a wrong output does not verify: the
 * check of a liar's wrong output is `invalid`.
 */
export function zkmlCheck(
  net: SimNetwork,
  jobs: VerifyJobs,
  atts: AttemptStore,
  a: number,
  digest: number,
  t: number,
  reqs: RequestStore,
  tally: ZkmlTally,
): void {
  const r = atts.req[a]!;
  const model = atts.model[a]!;
  const executor = atts.node[a]!;
  const cf = net.costFactor[model * VREQ + ZKML]!;
  tally.served++;
  if (cf > 1) tally.proveMs.add((atts.endT[a]! - atts.startT[a]!) * (1 - 1 / cf));
  const count = reqs.verifierCount[r]!;
  if (count === 0) {
    tally.unverified++;
    return;
  }
  const checkMs = Math.max(MIN_CHECK_MS, net.verifyMs[model * VREQ + ZKML]!);
  for (let k = 0; k < count; k++) {
    const node = reqs.verifiers[r * MAX_VERIFIERS + k]!;
    const job = { kind: 'zkml_check' as const, node, from: executor, model, input: 0, output: 0, checkMs };
    jobs.submit(job, t, (ok, atMs) => {
      if (!ok) tally.failed++;
      else {
        tally.checkMs.add(atMs - t);
        if (digest === 0) tally.valid++;
        else tally.invalid++;
      }
    });
  }
}
