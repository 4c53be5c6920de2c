import type { AttemptStore } from './attempts.js';
import type { EventQueue } from './event-queue.js';
import { EV_REACH } from './events.js';
import type { NodeModel } from './node-model.js';
import { REACH_OK } from './node-states.js';
import type { TruthRtt } from './truth-rtt.js';

/** `AttemptStore.req` of a verification job: it serves no client request. */
export const VERIFY_REQ = -1;

/** Kinds of verification job: a spot check's re-execution, a zkML proof check. */
export const JOB_KINDS = ['spot_check', 'zkml_check'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** One verification job: the work a verifier does, sent from the node whose result it checks. */
export interface VerifyJob {
  kind: JobKind;
  /** The verifier, and the node the job comes from (its result travels one way, node to node). */
  node: number;
  from: number;
  /** A re-execution: the request's model and tokens (the verifier serves it like any request). */
  model: number;
  input: number;
  output: number;
  /** A check job: its fixed service time on one slot, ms (no weights needed); 0 for a re-execution. */
  checkMs: number;
}

/** The job ended at `atMs`: `ok` false when the verifier was down or failed before it finished. */
export type JobDone = (ok: boolean, atMs: number) => void;

/**
 * Counters of the jobs of one kind: finished, failed, the slot time they took (ms), and how many reached
 * a verifier without the model in accelerator memory (each waits for a load there, which evicts what the
 * node must to fit it).
 */
export interface JobTally {
  jobs: number;
  failed: number;
  busyMs: number;
  cold: number;
}

/**
 * Verification as load: every job is an attempt queued on its verifier through the node model, so it
 * takes a slot (and, for a re-execution, the model's weights) like a client's request, delays the
 * requests behind it, and its verdict is known when it finishes. The simulation hands this class the
 * events of attempts whose `req` is VERIFY_REQ.
 */
export class VerifyJobs {
  readonly tally: Record<JobKind, JobTally> = {
    spot_check: { jobs: 0, failed: 0, busyMs: 0, cold: 0 },
    zkml_check: { jobs: 0, failed: 0, busyMs: 0, cold: 0 },
  };
  private readonly open = new Map<number, { kind: JobKind; done: JobDone }>();

  constructor(
    private readonly atts: AttemptStore,
    private readonly q: EventQueue,
    private readonly nodes: NodeModel,
    private readonly rtt: TruthRtt,
  ) {}

  /** Sends `job` at `t`; `done` is called once, when it finishes or fails. */
  submit(job: VerifyJob, t: number, done: JobDone): void {
    const atts = this.atts;
    const a = atts.alloc();
    atts.req[a] = VERIFY_REQ;
    atts.node[a] = job.node;
    atts.model[a] = job.model;
    atts.input[a] = job.input;
    atts.output[a] = job.output;
    atts.vreq[a] = 0;
    atts.checkMs[a] = job.checkMs;
    atts.sendT[a] = t;
    this.open.set(a, { kind: job.kind, done });
    const oneWay = job.node === job.from ? 0 : this.rtt.between(job.from, job.node) / 2;
    this.q.push(t + oneWay, EV_REACH, a, atts.gen[a]!);
  }

  /** The job reached its verifier: it waits or runs there; a verifier that is down fails it. */
  reach(a: number, t: number): void {
    if (this.nodes.reach(a, t) !== REACH_OK) this.end(a, false, t);
    else if (this.atts.coldWait[a] === 1) {
      const job = this.open.get(a);
      if (job !== undefined) this.tally[job.kind].cold++;
    }
  }

  /** The job's service ended at `t`. */
  done(a: number, t: number): void {
    this.nodes.complete(a, t);
    const kind = this.open.get(a)?.kind;
    if (kind) {
      this.tally[kind].jobs++;
      this.tally[kind].busyMs += this.atts.endT[a]! - this.atts.startT[a]!;
    }
    this.end(a, true, t);
  }

  /** The verifier went down while the job waited or ran there. */
  failed(a: number, t: number): void {
    this.end(a, false, t);
  }

  private end(a: number, ok: boolean, t: number): void {
    const o = this.open.get(a);
    this.open.delete(a);
    this.atts.release(a);
    if (!o) return;
    if (!ok) this.tally[o.kind].failed++;
    o.done(ok, t);
  }
}
