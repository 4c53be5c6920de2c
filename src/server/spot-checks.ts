import { createHash } from 'node:crypto';
import { type SpotVerdict, spotVerdict } from '../trust/spot-check.js';
import type { LiveNetwork } from './live-network.js';
import type { LiveTrust } from './live-trust.js';
import type { ReceiptLog } from './receipts.js';
import type { RegisteredNode } from './registry.js';
import type { Upstreams } from './upstream.js';

/**
 * Spot checks of outputs (issue 13, item 1): a share `rate` of the non-streamed answers the gateway
 * delivered is re-run, off the client's path, on a verifier — another node that reports the model, of
 * another operator, not quarantined — and on a mismatch on a third node as tie-breaker (`spotVerdict`).
 * Outputs are compared exactly (the text of the first choice): deterministic backends agree. Whoever
 * the other two contradict gets an `output` contradiction in the ledger; a match is a held check. The
 * request's receipt carries the verdict (`spotCheck`).
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
  answer: Buffer;
  bodyFor: (nodeId: string) => string;
  /** The request's receipt, which gets the verdict (`spotCheck: {verifier, verdict}`). */
  receipt: { id: string; createdAt: number };
}

export class SpotChecks {
  /** Verdicts so far (tests and metrics). */
  readonly verdicts: { executor: string; verifier: string; verdict: SpotVerdict }[] = [];

  constructor(private readonly deps: SpotCheckDeps) {}

  /** Starts a check of this answer with probability `rate`; never throws, never delays the caller. */
  maybe(input: SpotCheckInput): void {
    if (!((this.deps.random ?? Math.random)() < this.deps.rate)) return;
    void this.check(input).catch(() => undefined);
  }

  private async check(input: SpotCheckInput): Promise<void> {
    const executed = outputDigest(input.answer);
    if (executed === undefined) return;
    const [verifier, third] = this.verifiers(input.executor, input.model);
    if (verifier === undefined) return;
    const verified = await this.run(verifier, input);
    if (verified === undefined) return;
    const tie = executed === verified || third === undefined ? undefined : await this.run(third, input);
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

  private async run(nodeId: string, input: SpotCheckInput): Promise<number | undefined> {
    const res = await this.deps.upstreams.request(nodeId, {
      method: 'POST',
      path: input.path,
      headers: { 'content-type': 'application/json' },
      body: input.bodyFor(nodeId),
      signal: AbortSignal.timeout(this.deps.timeoutMs ?? 60_000),
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    return res.statusCode === 200 ? outputDigest(body) : undefined;
  }
}

/** The first 6 bytes of the SHA-256 of the first choice's text, as a number; undefined when there is none. */
export function outputDigest(answer: Buffer): number | undefined {
  try {
    const choice = (JSON.parse(answer.toString('utf8')) as { choices?: unknown[] }).choices?.[0] as
      | { message?: { content?: unknown }; text?: unknown }
      | undefined;
    const text = choice?.message?.content ?? choice?.text;
    if (typeof text !== 'string') return undefined;
    return createHash('sha256').update(text).digest().readUIntBE(0, 6);
  } catch {
    return undefined;
  }
}
