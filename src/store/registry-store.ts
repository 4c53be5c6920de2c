/**
 * The coordinator's durable state behind one small interface: registered nodes (with the last heartbeat
 * sequence accepted from each), operator tokens (hashed) and decision receipts. The embedded default is
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

  /** The last background write that failed, while no later one succeeded (stores that write behind). */
  writeError?(): string | undefined;

  close(): Promise<void>;
}
