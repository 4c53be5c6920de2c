/**
 * Refusal penalties per (node, model). A node that claims a model and answers its requests with 404, 408
 * or 429 is not blamed by its breaker (it is up), but it pays for the claim: each refusal adds 1 to its
 * score for that model, the score halves every `halfLifeMs`, and each success halves it too. When the
 * score reaches `exclude` (to within ½, so `exclude` refusals in quick succession do it although the
 * first ones have decayed a little) the node is excluded from the model's requests (the router's
 * `healthy` filter drops it); once the score has decayed below `readmit` it is admitted again, on a
 * shorter leash (a few more refusals exclude it again) until it has behaved long enough for the score
 * to fade.
 */

export interface RefusalOptions {
  /** Score at which the node is excluded from the model (refusals in quick succession). */
  exclude: number;
  /** Score below which an excluded node is admitted again. */
  readmit: number;
  /** Time for a score to halve, ms. */
  halfLifeMs: number;
}

interface Entry {
  nodeId: string;
  model: string;
  score: number;
  at: number;
  excluded: boolean;
}

/** A score below this is forgotten. */
const FORGET = 0.01;

export class RefusalBoard {
  private readonly entries = new Map<string, Entry>();
  /** Bumped whenever a pair is excluded or admitted again (views refresh on a change). */
  version = 0;

  constructor(private readonly opt: RefusalOptions) {}

  /** The node refused a request for the model. */
  refuse(nodeId: string, model: string, now: number): void {
    const key = `${nodeId}\n${model}`;
    let e = this.entries.get(key);
    if (e === undefined) this.entries.set(key, (e = { nodeId, model, score: 0, at: now, excluded: false }));
    this.decay(e, now);
    e.score += 1;
    if (!e.excluded && e.score + 0.5 >= this.opt.exclude) {
      e.excluded = true;
      this.version++;
    }
  }

  /** The node answered a request for the model. */
  success(nodeId: string, model: string, now: number): void {
    if (this.entries.size === 0) return; // the usual case: no node has refused anything lately
    const e = this.entries.get(`${nodeId}\n${model}`);
    if (e === undefined) return;
    this.decay(e, now);
    e.score /= 2;
    this.decay(e, now);
  }

  /** The node's score for the model now (0 when it never refused it). */
  score(nodeId: string, model: string, now: number): number {
    const e = this.entries.get(`${nodeId}\n${model}`);
    if (e === undefined) return 0;
    this.decay(e, now);
    return e.score;
  }

  /** Whether the node is excluded from the model now. */
  excluded(nodeId: string, model: string, now: number): boolean {
    const e = this.entries.get(`${nodeId}\n${model}`);
    if (e === undefined) return false;
    this.decay(e, now);
    return e.excluded;
  }

  /** Calls `f` for every excluded pair (after decaying every score to `now`); forgets faded pairs. */
  forEachExcluded(now: number, f: (nodeId: string, model: string) => void): void {
    for (const [key, e] of this.entries) {
      this.decay(e, now);
      if (e.excluded) f(e.nodeId, e.model);
      else if (e.score < FORGET) this.entries.delete(key);
    }
  }

  /** Forgets every pair of the node (it left). */
  removeNode(nodeId: string): void {
    for (const [key, e] of this.entries) if (e.nodeId === nodeId) this.entries.delete(key);
  }

  private decay(e: Entry, now: number): void {
    const dt = now - e.at;
    if (dt > 0) {
      e.score *= 2 ** (-dt / this.opt.halfLifeMs);
      e.at = now;
    }
    if (e.excluded && e.score < this.opt.readmit) {
      e.excluded = false;
      this.version++;
    }
  }
}
