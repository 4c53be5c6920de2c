import type { KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { InputError, NotFoundError } from '../errors.js';
import { parseOrThrow } from '../model/validate.js';
import { type RegistryStore, StoreUnavailableError } from '../store/registry-store.js';
import { type SignDomain, verifyPayload } from '../wire/identity.js';
import type { Envelope } from '../wire/protocol.js';
import type { ServerConfig } from './config.js';
import { AuthError, ConflictError } from './http-errors.js';

/** A registered node as the checks need it: its key, its id and the last sequence number accepted. */
export interface Signer {
  record: { id: string; lastSeq: number };
  key: KeyObject;
}

/**
 * The checks a node's signed message passes before the registry acts on it (update, deregistration,
 * heartbeat): its payload parses, names the node the URL names, is signed by that node's registered
 * key, was signed within the allowed clock skew, and carries a sequence number above the last one
 * accepted — raised in the store, atomically across the coordinators that share it, so a message
 * replayed to any of them is refused.
 */
export class SignedMessages<N extends Signer> {
  constructor(
    private readonly store: Pick<RegistryStore, 'advanceSeq'>,
    private readonly config: ServerConfig,
    private readonly now: () => number,
    /** The registered node of an id, or undefined. */
    private readonly find: (nodeId: string) => N | undefined,
    /** Called with each verified message's node id; throws to refuse it (rate limits). */
    private readonly admitMessage: (nodeId: string) => void,
  ) {}

  /** ConflictError `replayed` when `at` (ms) is further from the coordinator's clock than the skew allowed. */
  checkSkew(at: number): void {
    const skew = Math.abs(this.now() - at);
    if (skew > this.config.telemetry.maxClockSkewMs)
      throw new ConflictError(
        'replayed',
        `message timestamp is ${Math.round(skew / 1000)} s away from the coordinator's clock (at most ${Math.round(this.config.telemetry.maxClockSkewMs / 1000)} s)`,
      );
  }

  /**
   * Raises the node's sequence floor in the store (atomic across coordinators); while the store cannot
   * be reached, against this coordinator's own floor, so heartbeats keep the view fresh (docs/nats.md).
   */
  private async advance(node: N, seq: number): Promise<boolean> {
    try {
      return await this.store.advanceSeq(node.record.id, seq);
    } catch (e) {
      if (e instanceof StoreUnavailableError) return seq > node.record.lastSeq;
      throw e;
    }
  }

  /**
   * Parses, authenticates (signature by the registered key), checks skew, runs `check` on the payload and
   * advances the sequence. `check` throws to refuse a message for what it says (an unknown metro): the
   * refused message uses up no sequence number. What it returns comes back as `checked`.
   */
  async verify<P extends { nodeId: string; seq: number }, R = undefined>(
    domain: SignDomain,
    envelope: Envelope,
    schema: z.ZodType<P>,
    expectedId?: string,
    check?: (payload: P, node: N) => R,
  ): Promise<{ node: N; payload: P; checked: R }> {
    const payload = parsePayload(envelope, schema);
    if (expectedId !== undefined && payload.nodeId !== expectedId)
      throw new InputError('body.payload', [
        { path: 'nodeId', message: `must match the node in the URL (${expectedId})`, value: payload.nodeId },
      ]);
    const node = this.find(payload.nodeId);
    if (node === undefined) throw new NotFoundError(`node ${payload.nodeId} is not registered`);
    if (!verifyPayload(domain, envelope.payload, envelope.signature, node.key))
      throw new AuthError(
        'bad_signature',
        `the ${domain} message is not signed by node ${payload.nodeId}'s key`,
      );
    this.admitMessage(node.record.id);
    const at =
      (payload as { sentAt?: number; signedAt?: number }).sentAt ??
      (payload as { signedAt?: number }).signedAt;
    if (at !== undefined) this.checkSkew(at);
    const checked = check === undefined ? (undefined as R) : check(payload, node);
    if (!(await this.advance(node, payload.seq)))
      throw new ConflictError(
        'replayed',
        `sequence ${payload.seq} is not above the last accepted one (${node.record.lastSeq}) for node ${payload.nodeId}`,
      );
    node.record.lastSeq = payload.seq;
    return { node, payload, checked };
  }
}

/** The envelope's payload parsed as JSON and validated; InputError at `body.payload` otherwise. */
export function parsePayload<S extends z.ZodType>(envelope: Envelope, schema: S): z.output<S> {
  let data: unknown;
  try {
    data = JSON.parse(envelope.payload);
  } catch {
    throw new InputError('body', [
      { path: 'payload', message: 'expected JSON text', value: envelope.payload },
    ]);
  }
  return parseOrThrow(schema, data, 'body.payload');
}
