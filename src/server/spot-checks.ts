import { createHash } from 'node:crypto';
import { type SpotVerdict, spotCheckRate, spotVerdict } from '../trust/spot-check.js';
import type { LiveNetwork } from './live-network.js';
import type { LiveTrust } from './live-trust.js';
import type { ReceiptLog } from './receipts.js';
import type { RegisteredNode } from './registry.js';
import type { Upstreams } from './upstream.js';

/**
 * Spot checks of outputs (issue 13, item 1): answers the gateway delivered are re-run, off the client's
 * path, on a verifier — another node that reports the model, of another operator, not quarantined — and
 * on a mismatch on a third node as tie-breaker (`spotVerdict`). The share checked is `spotCheckRate`
 * (the simulator's rule): `rate` ÷ the node's output score, every answer while the node is suspect.
 * Outputs are compared exactly (the text of the first choice; a streamed answer's text is assembled from
 * its events, and the re-runs are not streamed): deterministic backends agree. Whoever the other two
 * contradict gets an `output` contradiction in the ledger; a match is a held check. A re-run counts in
 * the coordinator's in-flight count at its verifier (`LiveNetwork.begin`/`end`) while it runs, like a
 * client's request. The request's receipt carries the verdict (`spotCheck`).
 */
export interface SpotCheckDeps {
  network: LiveNetwork;
  trust: LiveTrust;
  upstreams: Upstreams;
  receipts: ReceiptLog;
  nodes: () => readonly RegisteredNode[];
  rate: number;
  random?: () => number;
  timeoutMs?: number;
}

export interface SpotCheckInput {
  executor: string;
  model: string;
  path: string;
  /** The answer's body (JSON), or for a streamed answer the text assembled from its events. */
  answer: Buffer | { text: string };
  bodyFor: (nodeId: string) => string;
  /** The request's receipt, which gets the verdict (`spotCheck: {verifier, verdict}`). */
  receipt: { id: string; createdAt: number };
}

export class SpotChecks {
  /** Verdicts so far (tests and metrics). */
  readonly verdicts: { executor: string; verifier: string; verdict: SpotVerdict }[] = [];
  /** Per executor: checks whose outputs differed and whose tie-break runs. */
  private readonly awaitingTie = new Map<string, number>();

  constructor(private readonly deps: SpotCheckDeps) {}

  /** Starts a check of this answer with probability `rate`; never throws, never delays the caller. */
  maybe(input: SpotCheckInput): void {
    if (this.draw(input.executor)) this.start(input);
  }

  /** Whether to check the next answer of `nodeId` (a streamed answer is drawn before it is assembled). */
  draw(nodeId: string): boolean {
    return (this.deps.random ?? Math.random)() < this.rateFor(nodeId);
  }

  /** Checks this answer (already drawn); never throws, never delays the caller. */
  start(input: SpotCheckInput): void {
    void this.check(input).catch(() => undefined);
  }

  /** Probability of checking an answer of `nodeId` now (`spotCheckRate` on its output evidence). */
  rateFor(nodeId: string): number {
    const ledger = this.deps.trust.ledger;
    const suspect = (this.awaitingTie.get(nodeId) ?? 0) > 0 || ledger.suspect(nodeId, 'output');
    return spotCheckRate(this.deps.rate, ledger.claimScore(nodeId, 'output'), suspect);
  }

  private async check(input: SpotCheckInput): Promise<void> {
    const executed = Buffer.isBuffer(input.answer)
      ? outputDigest(input.answer)
      : textDigest(input.answer.text);
    if (executed === undefined) return;
    const [verifier, third] = this.verifiers(input.executor, input.model);
    if (verifier === undefined) return;
    const verified = await this.run(verifier, input);
    if (verified === undefined) return;
    const tie = executed === verified || third === undefined ? undefined : await this.tieBreak(third, input);
    if (executed !== verified && tie === undefined) return;
    const verdict = spotVerdict(executed, verified, () => tie!);
    this.verdicts.push({ executor: input.executor, verifier, verdict });
    await this.deps.receipts.amend(input.receipt.id, input.receipt.createdAt, {
      spotCheck: { verifier, ...(tie === undefined ? {} : { tieBreaker: third }), verdict },
    });
    if (verdict === 'match' || verdict === 'executor')
      this.deps.trust.recordOutput(input.executor, verdict === 'match');
    if (verdict === 'verifier') this.deps.trust.recordOutput(verifier, false);
  }

  /** Nodes of other operators than the executor's that report the model, not quarantined: two at most. */
  private verifiers(executor: string, model: string): string[] {
    const all = this.deps.nodes();
    const operator = all.find((n) => n.record.id === executor)?.record.operator;
    return all
      .filter((n) => n.record.id !== executor && n.record.operator !== operator)
      .filter((n) => !this.deps.trust.quarantined(n.record.id))
      .filter((n) =>
        this.deps.network.telemetry.get(n.record.id)?.heartbeat.models.some((m) => m.id === model),
      )
      .map((n) => n.record.id)
      .slice(0, 2);
  }

  private async tieBreak(third: string, input: SpotCheckInput): Promise<number | undefined> {
    const e = input.executor;
    this.awaitingTie.set(e, (this.awaitingTie.get(e) ?? 0) + 1);
    try {
      return await this.run(third, input);
    } finally {
      const left = (this.awaitingTie.get(e) ?? 1) - 1;
      if (left > 0) this.awaitingTie.set(e, left);
      else this.awaitingTie.delete(e);
    }
  }

  /** Re-runs the request on `nodeId`, not streamed, counted in the coordinator's in-flight load there. */
  private async run(nodeId: string, input: SpotCheckInput): Promise<number | undefined> {
    const body = unstreamed(input.bodyFor(nodeId));
    if (body === undefined) return undefined;
    this.deps.network.begin(nodeId);
    try {
      const res = await this.deps.upstreams.request(nodeId, {
        method: 'POST',
        path: input.path,
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 60_000),
      });
      const answer = Buffer.from(await res.body.arrayBuffer());
      return res.statusCode === 200 ? outputDigest(answer) : undefined;
    } finally {
      this.deps.network.end(nodeId);
    }
  }
}

/** The request body with `stream` off (a re-run is compared whole); undefined when it is not a JSON object. */
export function unstreamed(body: string): string | undefined {
  try {
    const o = JSON.parse(body) as unknown;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
    const { stream: _s, stream_options: _o, ...rest } = o as Record<string, unknown>;
    return JSON.stringify({ ...rest, stream: false });
  } catch {
    return undefined;
  }
}

/**
 * The text of the first choice of a streamed answer (server-sent events, OpenAI chunks): the `delta`
 * contents (chat) or `text`s (completions) of its `data:` events in order; undefined when no event
 * carries text of choice 0.
 */
export function streamedText(sse: string): string | undefined {
  let text: string | undefined;
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '' || data === '[DONE]') continue;
    try {
      const choices = (JSON.parse(data) as { choices?: unknown[] }).choices;
      const c = choices?.find((x) => (x as { index?: unknown }).index === 0 || choices.length === 1) as
        | { delta?: { content?: unknown }; text?: unknown }
        | undefined;
      const part = c?.delta?.content ?? c?.text;
      if (typeof part === 'string') text = (text ?? '') + part;
    } catch {
      // An event that is not JSON carries no text.
    }
  }
  return text;
}

/** The first 6 bytes of the SHA-256 of `text`, as a number. */
export function textDigest(text: string): number {
  return createHash('sha256').update(text).digest().readUIntBE(0, 6);
}

/** The first 6 bytes of the SHA-256 of the first choice's text, as a number; undefined when there is none. */
export function outputDigest(answer: Buffer): number | undefined {
  try {
    const choice = (JSON.parse(answer.toString('utf8')) as { choices?: unknown[] }).choices?.[0] as
      | { message?: { content?: unknown }; text?: unknown }
      | undefined;
    const text = choice?.message?.content ?? choice?.text;
    if (typeof text !== 'string') return undefined;
    return textDigest(text);
  } catch {
    return undefined;
  }
}
