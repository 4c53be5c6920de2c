import { z } from 'zod';
import { Id } from '../model/common.js';
import { HeldDataset, MAX_HELD_DATASETS } from '../model/dataset.js';
import { Node } from '../model/node.js';

/**
 * Wire format between agents and the coordinator. Every message a node sends is a signed envelope: the
 * payload as JSON text plus an Ed25519 signature over it (see `identity.ts`). Every signed message after
 * registration carries a sequence number that must rise strictly, so a captured message cannot be replayed.
 */

export const MAX_PAYLOAD_CHARS = 64 * 1024;

export const Envelope = z.strictObject({
  payload: z.string().min(2).max(MAX_PAYLOAD_CHARS),
  signature: z.string().min(1).max(200),
});
export type Envelope = z.infer<typeof Envelope>;

const Seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const EpochMs = z.number().int().min(0).max(8.64e15);
const HttpUrl = z
  .string()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  }, 'an http(s) URL without credentials');

/**
 * The node as described at registration; its models come from heartbeats, not from here. A data node
 * (role `data`) lists the datasets it holds; the coordinator routes next to them once it has proven them.
 */
export const Descriptor = Node.omit({ models: true })
  .extend({ datasets: z.array(HeldDataset).max(MAX_HELD_DATASETS).optional() })
  .superRefine((d, ctx) => {
    if (d.datasets === undefined || d.datasets.length === 0) return;
    if (!d.roles.includes('data'))
      ctx.addIssue({
        code: 'custom',
        path: ['datasets'],
        message: 'only a node with role "data" holds datasets',
      });
    const seen = new Set<string>();
    d.datasets.forEach((h, k) => {
      if (seen.has(h.id))
        ctx.addIssue({
          code: 'custom',
          path: ['datasets', k, 'id'],
          message: `dataset ${h.id} is listed twice`,
        });
      seen.add(h.id);
    });
  });
export type Descriptor = z.infer<typeof Descriptor>;

/** The descriptor of a node that holds `held` besides what it lists: role `data` and the datasets added. */
export function withDatasets(node: Descriptor, held: readonly HeldDataset[]): Descriptor {
  if (held.length === 0) return node;
  const roles = node.roles.includes('data') ? node.roles : [...node.roles, 'data' as const];
  return { ...node, roles, datasets: [...(node.datasets ?? []), ...held] };
}
export type DescriptorInput = z.input<typeof Descriptor>;

/**
 * A TEE attestation document the node presents (at registration, and in updates to refresh it): the
 * verifier's kind name (`aws-nitro`) and the document's bytes in base64. It must bind the node's key.
 */
export const Attestation = z.strictObject({
  kind: z.string().min(1).max(50),
  document: z
    .string()
    .min(4)
    .max(40_000)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64 text'),
});
export type Attestation = z.infer<typeof Attestation>;

export const RegisterPayload = z.strictObject({
  node: z.unknown(),
  endpoint: HttpUrl,
  publicKey: z.string().min(1).max(100),
  signedAt: EpochMs,
  attestation: Attestation.optional(),
});
export type RegisterPayload = z.infer<typeof RegisterPayload>;

export const UpdatePayload = z.strictObject({
  nodeId: Id,
  seq: Seq,
  signedAt: EpochMs,
  node: z.unknown().optional(),
  endpoint: HttpUrl.optional(),
  attestation: Attestation.optional(),
});
export type UpdatePayload = z.infer<typeof UpdatePayload>;

export const DeregisterPayload = z.strictObject({ nodeId: Id, seq: Seq, signedAt: EpochMs });
export type DeregisterPayload = z.infer<typeof DeregisterPayload>;

/** Where a model's weights are on the node, as the node reports it. */
export const MODEL_STATES = ['warm', 'loading', 'hostRam', 'localDisk'] as const;
export const ModelState = z.enum(MODEL_STATES);
export type ModelState = z.infer<typeof ModelState>;

export const ModelReport = z.strictObject({
  id: Id,
  state: ModelState,
  /** Loading progress in [0, 1] while `state` is `loading`. */
  progress: z.number().min(0).max(1).optional(),
  /** Time left to finish loading, ms, when the backend knows it. */
  remainingMs: z.number().min(0).max(86_400_000).optional(),
  /** The backend's own name for the model when it differs from `id` (the gateway rewrites requests). */
  servedAs: z.string().min(1).max(500).optional(),
});
export type ModelReport = z.infer<typeof ModelReport>;

export const RttSample = z.strictObject({
  /** What was measured: `coordinator`, `backend`, a metro id or a node id. */
  to: z.string().min(1).max(200),
  ms: z.number().min(0).max(600_000),
});
export type RttSample = z.infer<typeof RttSample>;

/**
 * A warm-set command from the coordinator to a node's agent, delivered in the answer to the node's
 * heartbeat: load the model into accelerator memory (keep it there until told otherwise) or unload it.
 * `name` is the backend's own name for the model (the `servedAs` the node reported, else the id).
 */
export const WarmCommand = z.strictObject({
  id: z.string().min(1).max(100),
  kind: z.enum(['load', 'unload']),
  model: Id,
  name: z.string().min(1).max(500),
});
export type WarmCommand = z.infer<typeof WarmCommand>;

/** The agent's answer to a command, sent in a later (signed) heartbeat. */
export const CommandAck = z.strictObject({
  id: z.string().min(1).max(100),
  status: z.enum(['done', 'failed', 'unsupported']),
  /** What the backend said, in words (an error, or how long the load took). */
  detail: z.string().max(500).default(''),
});
export type CommandAck = z.infer<typeof CommandAck>;
export type CommandAckInput = z.input<typeof CommandAck>;

/** Most commands in one heartbeat answer, and most answers in one heartbeat. */
export const MAX_COMMANDS = 64;

export const HeartbeatPayload = z.strictObject({
  nodeId: Id,
  seq: Seq,
  sentAt: EpochMs,
  models: z.array(ModelReport).max(1000),
  slots: z.number().int().min(0).max(100_000),
  inFlight: z.number().int().min(0).max(1_000_000),
  queue: z.number().int().min(0).max(1_000_000),
  /** Measured decode throughput over the last interval, tokens per second (all requests). */
  tokensPerSec: z.number().min(0).max(1e9).optional(),
  /**
   * Mean time per output token over the last interval, ms, as the backend measured it (vLLM, llama.cpp
   * metrics). The coordinator takes it as weak evidence of the node's decode speed, never as truth.
   */
  decodeMsPerToken: z.number().min(0).max(1e6).optional(),
  /** Mean time per finished request over the last interval, ms. */
  meanServiceMs: z.number().min(0).max(86_400_000).optional(),
  rtt: z.array(RttSample).max(1000).default([]),
  /** Answers to warm-set commands carried out since the last heartbeat. */
  acks: z.array(CommandAck).max(MAX_COMMANDS).default([]),
});
export type Heartbeat = z.infer<typeof HeartbeatPayload>;
export type HeartbeatInput = z.input<typeof HeartbeatPayload>;

/**
 * What the coordinator answers to a heartbeat: with commands, they name the node and the sequence of the
 * heartbeat they answer, so an agent never acts on an answer meant for another node or message.
 */
export interface HeartbeatResponse {
  ok: true;
  seq: number;
  commands?: { nodeId: string; seq: number; list: WarmCommand[] };
}

/** What the coordinator answers to a registration. */
export interface RegisterResponse {
  nodeId: string;
  operator: string;
  /** Highest sequence already accepted: the agent continues above it. */
  lastSeq: number;
  heartbeatIntervalMs: number;
}
