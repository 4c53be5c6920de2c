/**
 * The coordinator's durable state behind one small interface: registered nodes (with the last heartbeat
 * sequence accepted from each), operator tokens (hashed), decision receipts, demand buckets and the warm-set
 * controller's commands. The embedded default is
 * SQLite (`sqlite-store.ts`); several coordinators share one on NATS JetStream (`nats-store.ts`). Every implementation must pass the
 * contract suite in `contract.test.ts`.
 *
 * All methods are async so that a networked store fits the same shape.
 */

/** A registered node: identity (public key), owner, where to reach its backend, and its descriptor. */
export interface NodeRecord {
  id: string;
  /** Operator id of the token that registered the node. */
  operator: string;
  /** Ed25519 public key, base64url of the 32 raw bytes. */
  publicKey: string;
  /** Base URL of the OpenAI-compatible backend the gateway proxies to. */
  endpoint: string;
  /** The node descriptor as registered (a `NodeInput` object: location, labels, hardware, …). */
  descriptor: unknown;
  registeredAt: number;
  updatedAt: number;
  /** Highest heartbeat sequence accepted; 0 before the first heartbeat. */
  lastSeq: number;
  /** The verdict on the TEE attestation document the node last presented and passed; none: no TEE. */
  attestation?: AttestationRecord;
}

/**
 * A passed attestation as the coordinator keeps it (the verdict, not the document): which verifier, the
 * enclave or module it named, its measurements, when it was checked and when it stops holding.
 */
export interface AttestationRecord {
  kind: string;
  module: string;
  /** Epoch ms of the check. */
  verifiedAt: number;
  /** Epoch ms from which the verdict no longer holds (document age limit or certificate expiry). */
  expiresAt: number;
  /** Measurement name (e.g. `PCR0`) → hex digest. */
  measurements: Record<string, string>;
}

/**
 * A bearer secret: an operator token or a client API key, stored only as its digest (hex): an HMAC with
 * the coordinator's secret (src/server/secrets.ts). A record without `kind` was written before digests
 * were keyed (an unsalted SHA-256) and is rewritten at start.
 */
export interface TokenRecord {
  hash: string;
  /** The operator id (operator tokens) or the client id (client keys). */
  operator: string;
  createdAt: number;
  /** Free text: where the token came from (`config`, `admin`). */
  note: string;
  kind?: 'operator' | 'client';
  /** Epoch ms after which the token is refused; none: it does not expire. */
  expiresAt?: number;
}

/** One decision receipt, stored as the JSON text the API returns. */
export interface ReceiptRecord {
  id: string;
  createdAt: number;
  json: string;
}

/**
 * Demand served in one bucket of time for one (place, model): what the coordinator's demand series are
 * made of. A bucket is identified by (place, model, bucketMs, startMs).
 */
export interface DemandBucketRecord {
  place: string;
  model: string;
  bucketMs: number;
  /** Start of the bucket, ms since the epoch (a multiple of bucketMs). */
  startMs: number;
  requests: number;
  tokens: number;
  /** Requests refused, shed or failed. */
  unmet: number;
}

/** Where a warm-set command stands: issued, delivered to the node's agent, then its agent's answer. */
export const WARM_ACTION_STATUSES = ['pending', 'sent', 'done', 'failed', 'unsupported', 'expired'] as const;
export type WarmActionStatus = (typeof WARM_ACTION_STATUSES)[number];

/**
 * One load or unload the warm-set controller commanded, with the reason it gave and the node's answer.
 * Identified by `id`; stored again (same id) each time its status changes.
 */
export interface WarmActionRecord {
  id: string;
  createdAt: number;
  node: string;
  model: string;
  kind: 'load' | 'unload';
  /** Why, in words with the numbers (the planner's reason). */
  reason: string;
  /** Expected waiting saved over the horizon, ms; 0 for unloads and diversity loads. */
  gainMs: number;
  /** What the action costs over the horizon, ms. */
  costMs: number;
  status: WarmActionStatus;
  updatedAt: number;
  /** The agent's words with its answer (what the backend said), when there are any. */
  detail?: string;
}

export interface RegistryStore {
  /** Inserts or replaces a node (its `lastSeq` included). */
  putNode(node: NodeRecord): Promise<void>;
  getNode(id: string): Promise<NodeRecord | undefined>;
  /** Every node, ordered by id. */
  listNodes(): Promise<NodeRecord[]>;
  /** True when the node existed. */
  deleteNode(id: string): Promise<boolean>;
  /**
   * Atomically raises the node's `lastSeq` to `seq` when `seq` is strictly greater; true when it did.
   * False for an unknown node or a sequence not above the stored one (a replay).
   */
  advanceSeq(id: string, seq: number): Promise<boolean>;

  putToken(token: TokenRecord): Promise<void>;
  getToken(hash: string): Promise<TokenRecord | undefined>;
  /** Every token, ordered by hash. */
  listTokens(): Promise<TokenRecord[]>;
  /** True when the token existed. */
  deleteToken(hash: string): Promise<boolean>;

  /** Stores receipts (one transaction where the backend has them); an existing id is replaced. */
  putReceipts(receipts: readonly ReceiptRecord[]): Promise<void>;
  getReceipt(id: string): Promise<ReceiptRecord | undefined>;
  /** Deletes all but the `keep` most recent receipts (by `createdAt`, then id); returns how many went. */
  pruneReceipts(keep: number): Promise<number>;

  /** Whether a networked store reaches its servers now (absent: always). */
  connected?(): boolean;
  /** The last background write that failed, while no later one succeeded (stores that write behind). */
  writeError?(): string | undefined;
  /**
   * Adds each record's counts to the stored bucket with the same (place, model, bucketMs, startMs),
   * creating it when new, so coordinators sharing a store each add what they served.
   */
  addDemand(buckets: readonly DemandBucketRecord[]): Promise<void>;
  /** Buckets of `bucketMs` starting at or after `sinceMs`, ordered by startMs, then place, then model. */
  listDemand(bucketMs: number, sinceMs: number): Promise<DemandBucketRecord[]>;

  /** Inserts a warm-set command or replaces the one with the same id (a status change). */
  putWarmAction(action: WarmActionRecord): Promise<void>;
  /**
   * Commands created at or after `sinceMs`, newest first (createdAt descending, then id descending), at
   * most `limit` of them.
   */
  listWarmActions(sinceMs: number, limit: number): Promise<WarmActionRecord[]>;

  close(): Promise<void>;
}

/**
 * A networked store that cannot be reached now (NATS is down or partitioned away): thrown at once rather
 * than after a timeout, so callers can fall back or answer 503.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** The identity of a demand bucket as one string (for maps and keys). */
export function demandKey(b: Pick<DemandBucketRecord, 'place' | 'model' | 'bucketMs' | 'startMs'>): string {
  return JSON.stringify([b.bucketMs, b.startMs, b.place, b.model]);
}

/** Order of `listDemand`: startMs, then place, then model. */
export function orderDemand(a: DemandBucketRecord, b: DemandBucketRecord): number {
  if (a.startMs !== b.startMs) return a.startMs - b.startMs;
  if (a.place !== b.place) return a.place < b.place ? -1 : 1;
  return a.model < b.model ? -1 : a.model > b.model ? 1 : 0;
}

/** Order of `listWarmActions`: newest first, then by id descending. */
export function newestWarmActionFirst(a: WarmActionRecord, b: WarmActionRecord): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
