import type { KeyObject } from 'node:crypto';
import { InputError, NotFoundError } from '../errors.js';
import type { AttestationRecord, NodeRecord, RegistryStore, TokenRecord } from '../store/registry-store.js';
import { AttestationVerifiers } from '../trust/attestation/verifier.js';
import { parsePublicKey, verifyPayload } from '../wire/identity.js';
import {
  DeregisterPayload,
  Descriptor,
  type Envelope,
  type Heartbeat,
  HeartbeatPayload,
  RegisterPayload,
  type RegisterResponse,
  UpdatePayload,
} from '../wire/protocol.js';
import { checkAttestation } from './attestation.js';
import type { ServerConfig } from './config.js';
import { checkDescriptor, checkRttTargets } from './descriptor-check.js';
import { type EndpointGuard, endpointKey } from './endpoint-guard.js';
import { AuthError, ConflictError, EndpointError, ForbiddenError, QuotaError } from './http-errors.js';
import { sha256Hex, type TokenDigests } from './secrets.js';
import { parsePayload, SignedMessages } from './signed-messages.js';

/** A registered node as the coordinator holds it in memory. */
export interface RegisteredNode {
  record: NodeRecord;
  descriptor: Descriptor;
  key: KeyObject;
}

export type RegistryEvent =
  | { type: 'upsert'; node: RegisteredNode }
  | { type: 'remove'; nodeId: string }
  | { type: 'heartbeat'; nodeId: string; heartbeat: Heartbeat; receivedAt: number };

/**
 * Every registration moves the node's sequence floor to the coordinator's clock × 1000, so messages signed
 * under an earlier registration of the same key (even one since deregistered and deleted) stay replays,
 * as long as a node sends fewer than 1,000 signed messages per second.
 */
export const SEQ_PER_MS = 1000;

/** The bearer token of an `Authorization: Bearer …` header, or undefined. */
export function bearer(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/**
 * Registration, update, deregistration and heartbeats: checks operator tokens, node signatures, clock skew
 * and sequence numbers (the signed messages' checks are SignedMessages'); persists through the
 * RegistryStore; tells listeners what changed.
 */
export class Registry {
  private readonly nodes = new Map<string, RegisteredNode>();
  private readonly listeners: ((e: RegistryEvent) => void)[] = [];
  /** Endpoints being admitted (resolution and proof take time): normalised endpoint → node id. */
  private readonly claims = new Map<string, string>();
  /** New nodes being admitted per operator (they count against its quota). */
  private readonly registering = new Map<string, number>();
  private readonly signed: SignedMessages<RegisteredNode>;

  constructor(
    private readonly store: RegistryStore,
    private readonly config: ServerConfig,
    private readonly now: () => number,
    private readonly guard: EndpointGuard,
    readonly digests: TokenDigests,
    /** Called with each verified signed message's node id; throws to refuse it (rate limits). */
    admitMessage: (nodeId: string) => void = () => {},
    /** TEE attestation verifiers (config `registry.attestation`); none: every document is refused. */
    private readonly verifiers: AttestationVerifiers = new AttestationVerifiers(),
  ) {
    this.signed = new SignedMessages(store, config, now, (id) => this.nodes.get(id), admitMessage);
  }

  /**
   * Rewrites digests stored before the HMAC (plain SHA-256, no `kind`) under the server secret; seeds
   * the config's operator tokens and client keys; deletes config-seeded ones the config no longer lists
   * (removed or rotated); loads every stored node.
   */
  async init(): Promise<void> {
    for (const t of await this.store.listTokens()) {
      if (t.kind !== undefined) continue;
      await this.store.putToken({ ...t, hash: this.digests.ofSha256(t.hash), kind: 'operator' });
      await this.store.deleteToken(t.hash);
    }
    const seeded = new Map<string, TokenRecord>();
    const seed = (kind: TokenRecord['kind'], id: string, sha256: string, expiresAt: number | undefined) =>
      seeded.set(this.digests.ofSha256(sha256), {
        hash: this.digests.ofSha256(sha256),
        operator: id,
        createdAt: this.now(),
        note: 'config',
        kind,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
    for (const o of this.config.operators)
      seed('operator', o.id, o.tokenSha256 ?? sha256Hex(o.token ?? ''), o.expiresAt);
    for (const k of this.config.clients)
      seed('client', k.id, k.keySha256 ?? sha256Hex(k.key ?? ''), k.expiresAt);
    for (const t of await this.store.listTokens())
      if (t.note === 'config' && !seeded.has(t.hash)) await this.store.deleteToken(t.hash);
    for (const t of seeded.values()) {
      const existing = await this.store.getToken(t.hash);
      await this.store.putToken({ ...t, createdAt: existing?.createdAt ?? t.createdAt });
    }
    for (const record of await this.store.listNodes()) {
      const node = readNode(record);
      if (node !== undefined) this.nodes.set(record.id, node); // unreadable row: not routable, left in the store
    }
  }

  /**
   * A node registered or updated through another coordinator (checked and stored there): kept and
   * announced like one of ours, not stored again. An older record than the one held is ignored.
   */
  adopt(record: NodeRecord): void {
    const node = readNode(record);
    const known = this.nodes.get(record.id);
    if (node === undefined || (known !== undefined && known.record.updatedAt > record.updatedAt)) return;
    node.record.lastSeq = Math.max(record.lastSeq, known?.record.lastSeq ?? 0);
    this.nodes.set(record.id, node);
    this.emit({ type: 'upsert', node });
  }

  /** A node deregistered through another coordinator. */
  drop(nodeId: string): void {
    if (this.nodes.delete(nodeId)) this.emit({ type: 'remove', nodeId });
  }

  /** A heartbeat another coordinator accepted (signature and sequence checked there); unknown nodes' are ignored. */
  heard(heartbeat: Heartbeat, receivedAt: number): void {
    const node = this.nodes.get(heartbeat.nodeId);
    if (node === undefined) return;
    if (heartbeat.seq > node.record.lastSeq) node.record.lastSeq = heartbeat.seq;
    this.emit({ type: 'heartbeat', nodeId: heartbeat.nodeId, heartbeat, receivedAt });
  }

  /** Makes the node set the stored one's (after missing what other coordinators did): adopts, drops. */
  reconcile(records: readonly NodeRecord[]): void {
    const ids = new Set(records.map((r) => r.id));
    for (const id of [...this.nodes.keys()]) if (!ids.has(id)) this.drop(id);
    for (const r of records) if ((this.nodes.get(r.id)?.record.updatedAt ?? -1) < r.updatedAt) this.adopt(r);
  }

  onEvent(listener: (e: RegistryEvent) => void): void {
    this.listeners.push(listener);
  }

  get(id: string): RegisteredNode | undefined {
    return this.nodes.get(id);
  }

  all(): RegisteredNode[] {
    return [...this.nodes.values()];
  }

  /** The stored record of a bearer secret when it is known and not expired. */
  async lookup(token: string): Promise<TokenRecord | { expired: TokenRecord } | undefined> {
    const found = await this.store.getToken(this.digests.ofToken(token));
    if (found === undefined) return undefined;
    if (found.expiresAt !== undefined && this.now() >= found.expiresAt) return { expired: found };
    return found;
  }

  /** The operator a bearer token belongs to; AuthError when it is missing, unknown, expired or a client key. */
  async operatorOf(token: string | undefined): Promise<string> {
    if (token === undefined)
      throw new AuthError('unauthorized', 'an operator token is required (Authorization: Bearer …)');
    const found = await this.lookup(token);
    if (found !== undefined && 'expired' in found)
      throw new AuthError(
        'unauthorized',
        `the operator token expired at ${new Date(found.expired.expiresAt!).toISOString()}`,
      );
    if (found === undefined || found.kind !== 'operator')
      throw new AuthError('unauthorized', 'unknown operator token');
    return found.operator;
  }

  async register(token: string | undefined, envelope: Envelope): Promise<RegisterResponse> {
    const operator = await this.operatorOf(token);
    const payload = parsePayload(envelope, RegisterPayload);
    const key = parsePublicKey(payload.publicKey);
    if (key === undefined)
      throw new InputError('body.payload', [
        {
          path: 'publicKey',
          message: 'expected an Ed25519 public key (base64url, 43 characters)',
          value: payload.publicKey,
        },
      ]);
    if (!verifyPayload('register', envelope.payload, envelope.signature, key))
      throw new AuthError('bad_signature', 'the registration is not signed by the key it carries');
    this.signed.checkSkew(payload.signedAt);
    const descriptor = this.descriptorOf(payload.node, operator);
    const existing = this.nodes.get(descriptor.id);
    if (existing !== undefined && existing.record.operator !== operator)
      throw new ForbiddenError(`node ${descriptor.id} belongs to operator ${existing.record.operator}`);
    if (existing !== undefined && existing.record.publicKey !== payload.publicKey)
      throw new ConflictError(
        'key_mismatch',
        `node ${descriptor.id} is registered with another key; deregister it first`,
      );
    if (existing === undefined) this.checkQuota(operator);
    const attestation = checkAttestation(this.verifiers, payload.attestation, payload.publicKey, this.now());
    const release = this.claim(descriptor.id, payload.endpoint);
    const pending = existing === undefined ? 1 : 0;
    this.registering.set(operator, (this.registering.get(operator) ?? 0) + pending);
    try {
      await this.guard.admit(descriptor.id, payload.endpoint, key, this.endpoints());
      return await this.admitted(operator, payload, descriptor, key, attestation);
    } finally {
      release();
      this.registering.set(operator, (this.registering.get(operator) ?? 0) - pending);
    }
  }

  private async admitted(
    operator: string,
    payload: RegisterPayload,
    descriptor: Descriptor,
    key: KeyObject,
    attestation: AttestationRecord | undefined,
  ): Promise<RegisterResponse> {
    const existing = this.nodes.get(descriptor.id);
    const now = this.now();
    const record: NodeRecord = {
      id: descriptor.id,
      operator,
      publicKey: payload.publicKey,
      endpoint: payload.endpoint,
      descriptor,
      registeredAt: existing?.record.registeredAt ?? now,
      updatedAt: now,
      lastSeq: Math.max(existing?.record.lastSeq ?? 0, now * SEQ_PER_MS),
      ...(attestation === undefined ? {} : { attestation }),
    };
    await this.save({ record, descriptor, key });
    return {
      nodeId: record.id,
      operator,
      lastSeq: record.lastSeq,
      heartbeatIntervalMs: this.config.telemetry.heartbeatIntervalMs,
    };
  }

  async update(nodeId: string, envelope: Envelope): Promise<RegisteredNode> {
    const checked = await this.signed.verify('update', envelope, UpdatePayload, nodeId, (p, n) =>
      this.updatedDescriptor(nodeId, p, n),
    );
    const { node, payload, checked: descriptor } = checked;
    const attestation = checkAttestation(
      this.verifiers,
      payload.attestation,
      node.record.publicKey,
      this.now(),
    );
    const to = payload.endpoint;
    const moves = to !== undefined && endpointKey(to) !== endpointKey(node.record.endpoint);
    const release = moves ? this.claim(nodeId, to) : () => {};
    try {
      if (moves) await this.guard.admit(nodeId, to, node.key, this.endpoints());
      return await this.saveUpdate(node, descriptor, payload, attestation);
    } finally {
      release();
    }
  }

  /** The descriptor an update leaves the node with: its own, or the one it carries, checked, with the same id. */
  private updatedDescriptor(nodeId: string, payload: UpdatePayload, node: RegisteredNode): Descriptor {
    const d =
      payload.node === undefined ? node.descriptor : this.descriptorOf(payload.node, node.record.operator);
    if (d.id !== nodeId)
      throw new InputError('body.payload', [
        { path: 'node.id', message: `must stay ${nodeId}`, value: d.id },
      ]);
    return d;
  }

  private async saveUpdate(
    node: RegisteredNode,
    descriptor: Descriptor,
    payload: UpdatePayload,
    attestation: AttestationRecord | undefined,
  ): Promise<RegisteredNode> {
    const record: NodeRecord = {
      ...node.record,
      ...(attestation === undefined ? {} : { attestation }),
      descriptor,
      endpoint: payload.endpoint ?? node.record.endpoint,
      updatedAt: this.now(),
      lastSeq: node.record.lastSeq,
    };
    const updated = { record, descriptor, key: node.key };
    await this.save(updated);
    return updated;
  }

  /** Deregisters with the node's own signature (envelope) or its operator's token. */
  async deregister(nodeId: string, auth: { token?: string; envelope?: Envelope }): Promise<void> {
    if (auth.envelope !== undefined) {
      await this.signed.verify('deregister', auth.envelope, DeregisterPayload, nodeId);
    } else {
      const operator = await this.operatorOf(auth.token);
      const node = this.nodes.get(nodeId);
      if (node === undefined) throw new NotFoundError(`node ${nodeId} is not registered`);
      if (node.record.operator !== operator)
        throw new ForbiddenError(`node ${nodeId} belongs to operator ${node.record.operator}`);
    }
    this.nodes.delete(nodeId);
    await this.store.deleteNode(nodeId);
    this.emit({ type: 'remove', nodeId });
  }

  async heartbeat(envelope: Envelope): Promise<Heartbeat> {
    const { payload } = await this.signed.verify('heartbeat', envelope, HeartbeatPayload, undefined, (hb) =>
      checkRttTargets(hb, (id) => this.nodes.has(id)),
    );
    this.emit({ type: 'heartbeat', nodeId: payload.nodeId, heartbeat: payload, receivedAt: this.now() });
    return payload;
  }

  /** Registrations of new nodes stop at `limits.nodesPerOperator` nodes per operator (claims included). */
  private checkQuota(operator: string): void {
    const quota = this.config.limits.nodesPerOperator;
    let n = this.registering.get(operator) ?? 0;
    for (const node of this.nodes.values()) if (node.record.operator === operator) n++;
    if (n >= quota)
      throw new QuotaError(
        `operator ${operator} has ${n} nodes registered or registering; the quota (limits.nodesPerOperator) is ${quota}`,
      );
  }

  private *endpoints(): Iterable<{ id: string; endpoint: string }> {
    for (const n of this.nodes.values()) yield { id: n.record.id, endpoint: n.record.endpoint };
  }

  /**
   * Reserves an endpoint while it is admitted and saved, so two registrations racing for one endpoint
   * cannot both pass the alias check; the returned function releases it.
   */
  private claim(nodeId: string, endpoint: string): () => void {
    const k = endpointKey(endpoint);
    const holder = this.claims.get(k);
    if (holder !== undefined && holder !== nodeId)
      throw new EndpointError('endpoint_taken', `endpoint ${endpoint} is being registered by node ${holder}`);
    this.claims.set(k, nodeId);
    return () => {
      if (this.claims.get(k) === nodeId) this.claims.delete(k);
    };
  }

  private async save(node: RegisteredNode): Promise<void> {
    await this.store.putNode(node.record);
    this.nodes.set(node.record.id, node);
    this.emit({ type: 'upsert', node });
  }

  private emit(e: RegistryEvent): void {
    for (const l of this.listeners) l(e);
  }

  private descriptorOf(raw: unknown, operator: string): Descriptor {
    const d = checkDescriptor(raw, 'body.payload.node');
    if (d.labels.operator.value !== operator)
      throw new ForbiddenError(
        `the token belongs to operator ${operator} but the node declares operator ${d.labels.operator.value}`,
      );
    d.labels.operator = { value: operator, provenance: 'attested' };
    return d;
  }
}

/** A stored record as the registry holds it; undefined when its key or descriptor is unreadable. */
function readNode(record: NodeRecord): RegisteredNode | undefined {
  const key = parsePublicKey(record.publicKey);
  const parsed = Descriptor.safeParse(record.descriptor);
  return key === undefined || !parsed.success ? undefined : { record, descriptor: parsed.data, key };
}
