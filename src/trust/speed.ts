/**
 * Checking "my hardware decodes this fast" against the answers the node returns. A node declares its
 * accelerator and device count; the catalog turns them into a time per output token (the claim). The
 * client measures the time per token after the first (first byte to last byte). Their ratio is the
 * node's observed slowness against its claim: 1 is exactly the claimed speed, 8 eight times slower.
 *
 * Slow is not lying. Honest nodes differ from the catalog (a per-node factor, in the simulator's
 * heterogeneous worlds within about 3.3× either way) and have straggler episodes (3–6× slower for 1–4
 * minutes). A speed liar is slower than its claim on every answer, for as long as it runs. So a check
 * has three outcomes:
 * - the answer is at most `limit` times slower than claimed: held, and the node's slow spell (if any)
 *   ends;
 * - it is slower, and the node's answers have all been slower than `limit`× since a spell that began
 *   less than `persistMs` ago: no verdict yet (a straggler episode looks like this);
 * - it is slower, and the spell began at least `persistMs` ago: contradicted.
 * `limit` sits beyond the honest per-node spread and `persistMs` beyond the longest straggler episode,
 * so an honest node is contradicted only when two episodes meet with no fast answer between them, or
 * when it really is more than `limit` times slower than its declared hardware for longer than
 * `persistMs` (then its declaration, or the catalog, is wrong for it).
 */
export interface SpeedCheckOptions {
  /** Slowness against the claim (observed / claimed time per token) beyond which an answer is slow. */
  readonly limit: number;
  /** How long a node's answers must have stayed slow before a slow answer contradicts its claim (ms). */
  readonly persistMs: number;
}

/** 4× slower than claimed, for 5 minutes (straggler episodes last at most 4 in the built-in worlds). */
export const DEFAULT_SPEED_CHECK: SpeedCheckOptions = { limit: 4, persistMs: 300_000 };

/** What one served answer shows of the decode (the learners' `ServedOutcome` has these fields). */
export interface DecodeObservation {
  readonly outputTokens: number;
  /** Send → first byte, and send → last byte (ms). */
  readonly firstByteMs: number;
  readonly doneMs: number;
  /** The catalog's time per output token for the declared hardware, at the answer's batch (ms). */
  readonly expected: { readonly decodeMsPerToken: number };
}

/**
 * Observed against claimed decode time per token of one served request, at the batch it ran in.
 * Undefined when the request tells nothing: fewer than 2 output tokens, or no catalog figure.
 */
export function decodeRatio(o: DecodeObservation): number | undefined {
  const claimed = o.expected.decodeMsPerToken;
  if (o.outputTokens < 2 || !(claimed > 0) || !(o.doneMs > o.firstByteMs)) return undefined;
  const r = (o.doneMs - o.firstByteMs) / (o.outputTokens - 1) / claimed;
  return Number.isFinite(r) ? r : undefined;
}

/**
 * When the decode an answer measures began (its first byte), given when the answer arrived (ms): the time
 * a slow answer belongs to. A long answer begun in a straggler episode may arrive minutes after it ended.
 */
export function decodeBeganMs(o: DecodeObservation, arrivedMs: number): number {
  return arrivedMs - Math.max(0, o.doneMs - o.firstByteMs);
}

/**
 * Per node, when its current spell of slow answers began; `check` gives each answer's verdict, each answer
 * taken at the time its decode began (`decodeBeganMs`; a benchmark at the time it ran).
 */
export class SlowSpells {
  private readonly since = new Map<string, number>();

  constructor(readonly options: SpeedCheckOptions = DEFAULT_SPEED_CHECK) {}

  /** The verdict on one answer of `node` decoded from `nowMs` with slowness `ratio`: held, contradicted, or none. */
  check(node: string, ratio: number, nowMs: number): boolean | undefined {
    if (!(ratio > this.options.limit)) {
      this.since.delete(node);
      return true;
    }
    let since = this.since.get(node);
    if (since === undefined) {
      since = nowMs;
      this.since.set(node, since);
    }
    return nowMs - since >= this.options.persistMs ? false : undefined;
  }

  /** When `node`'s slow spell began (undefined: its last answer was not slow). */
  spellSince(node: string): number | undefined {
    return this.since.get(node);
  }
}
