import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import type { HeldDatasetCopy } from '../trust/holdings/answer.js';
import type { KeyPair } from '../wire/identity.js';
import {
  type Attestation,
  type CommandAckInput,
  type DescriptorInput,
  type HeartbeatInput,
  type HeartbeatResponse,
  MAX_COMMANDS,
  type RttSample,
  WarmCommand,
} from '../wire/protocol.js';
import { type AdapterContext, type BackendKind, type BackendState, discover } from './adapters.js';
import { type CommandContext, carryOut } from './commands.js';
import { CoordinatorClient, CoordinatorError } from './coordinator-client.js';
import { type Front, startFront } from './front.js';

/**
 * The node agent: runs beside an inference server, registers the node with the coordinator (operator
 * token + its own key), then every interval discovers the backend's state and sends a signed heartbeat
 * with a rising sequence number. It re-registers when the coordinator no longer knows it or has moved
 * its sequence floor, and keeps going through coordinator and backend outages. It gives up only when the
 * coordinator refuses the node in a way no retry can change (see `Refusal`): then `refused` resolves.
 */

export interface AgentOptions {
  coordinator: string;
  /** URL of the inference server the agent watches. */
  backend: string;
  kind: BackendKind;
  /** URL the gateway should proxy to (default: the front's URL with `listen`, else `backend`). */
  endpoint?: string;
  /**
   * Serve a front here (see front.ts): it answers the coordinator's proof of control with the node key
   * and forwards everything else to the backend. Without it the endpoint must answer the proof itself.
   */
  listen?: { host: string; port: number };
  /**
   * Datasets the node holds (with `listen`: the front answers the coordinator's challenges); the node
   * descriptor lists their `held` entries.
   */
  datasets?: readonly HeldDatasetCopy[];
  token: string;
  node: DescriptorInput & { id: string };
  key: KeyPair;
  /** Backend name → catalog id overrides. */
  names?: ReadonlyMap<string, string>;
  /** Overrides the interval the coordinator asks for. */
  intervalMs?: number;
  /**
   * A TEE attestation document to present: its verifier kind and the file holding the document's bytes.
   * Read at registration and again every interval; a changed document is sent in a signed update.
   */
  attestation?: { kind: string; file: string };
  /**
   * Emulation only: an artificial network delay the node stands behind (the emulated worker's), added to
   * every measured round trip so RTT samples agree with the distance the node pretends to be at.
   */
  addedRttMs?: number;
  timeoutMs?: number;
  /** Time a load or unload may take on the backend (default 10 minutes). */
  commandTimeoutMs?: number;
  now?: () => number;
  /** Told about every state change (registered, heartbeat failures); no logging inside the loop itself. */
  onStatus?: (s: AgentStatus) => void;
}

export type AgentStatus =
  | { kind: 'registered'; nodeId: string; lastSeq: number }
  | { kind: 'register-failed'; message: string }
  | { kind: 'heartbeat-failed'; message: string }
  | { kind: 'attestation-failed'; message: string }
  | { kind: 'attestation-sent'; bytes: number }
  | { kind: 'backend-failed'; message: string }
  | { kind: 'command'; id: string; command: string; status: string; detail: string };

/**
 * Why the agent gave up. At its first registration: any 4xx but 408, 409, 425 and 429 (a wrong token, a
 * node the coordinator forbids, a descriptor it cannot take, no registry at that URL). Once registered,
 * on a heartbeat or a re-registration: 401 or 403 (the node or its token is no longer accepted); other
 * refusals lead to a retry or a re-registration, as outages, 5xx and network errors always do.
 */
export interface Refusal {
  during: 'registration' | 'heartbeat';
  error: CoordinatorError;
}

/** Client-error statuses a later attempt may get past: timed out, conflicting with state that changes, too early or too often. */
const RETRIED_4XX = new Set([408, 409, 425, 429]);

/**
 * True when a registration refused with `e` would be refused again however often it is sent. Once the
 * node has been registered, only 401 and 403 count: a 404 or a 400 from what answered at the
 * coordinator's address then more likely comes from something in front of it while it restarts.
 */
export function refusesRegistration(e: unknown, registeredBefore = false): e is CoordinatorError {
  if (!(e instanceof CoordinatorError)) return false;
  if (registeredBefore) return refusesHeartbeat(e);
  return e.status >= 400 && e.status < 500 && !RETRIED_4XX.has(e.status);
}

/** True when a registered node's heartbeat refused with `e` means the coordinator no longer accepts the node. */
export function refusesHeartbeat(e: unknown): e is CoordinatorError {
  return e instanceof CoordinatorError && (e.status === 401 || e.status === 403);
}

export class Agent {
  private readonly client: CoordinatorClient;
  private readonly backendPool: Pool;
  private readonly ctx: AdapterContext;
  private readonly now: () => number;
  private seq = 0;
  private registered = false;
  private intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastRttMs: number | undefined;
  private busy = false;
  private front: Front | undefined;
  /** The last failure reported per source, so an outage is told once (backend and coordinator apart). */
  private readonly lastError = { backend: '', coordinator: '' };
  /** Carries out warm-set commands one at a time, in the order they came. */
  private readonly commandCtx: CommandContext;
  private work: Promise<void> = Promise.resolve();
  /** Answers waiting for the next heartbeat, and the command ids already taken (never run twice). */
  private acks: CommandAckInput[] = [];
  private readonly taken = new Set<string>();
  /** The attestation document last presented (base64), sent or refused: a changed file is sent again. */
  private attested: string | undefined;
  /** The last attestation failure reported, so a file that stays unreadable is told once. */
  private attestationError = '';
  /** Whether a registration has succeeded since the start (later ones give up on 401 and 403 only). */
  private registeredBefore = false;
  /** Resolves when the coordinator refused the node for good; the agent has then stopped ticking. */
  readonly refused: Promise<Refusal>;
  private refuse: (r: Refusal) => void = () => {};

  constructor(private readonly opt: AgentOptions) {
    this.refused = new Promise((resolve) => {
      this.refuse = resolve;
    });
    this.now = opt.now ?? Date.now;
    this.client = new CoordinatorClient(opt.coordinator, opt.key, opt.timeoutMs ?? 5000);
    const b = new URL(opt.backend);
    const prefix = b.pathname.replace(/\/+$/, '');
    this.backendPool = new Pool(b.origin, { connections: 2 });
    const timeout = opt.timeoutMs ?? 5000;
    this.ctx = {
      names: opt.names ?? new Map(),
      memo: {},
      now: this.now,
      get: async (path, text) => {
        const res = await this.backendPool.request({
          method: 'GET',
          path: prefix + path,
          headersTimeout: timeout,
          bodyTimeout: timeout,
        });
        const raw = await res.body.text();
        if (text || res.statusCode !== 200) return { status: res.statusCode, body: raw };
        return { status: res.statusCode, body: JSON.parse(raw) as unknown };
      },
    };
    this.intervalMs = opt.intervalMs ?? 1000;
    const commandTimeout = opt.commandTimeoutMs ?? 600_000;
    this.commandCtx = {
      get: (path) => this.ctx.get(path),
      now: this.now,
      post: async (path, body) => {
        const res = await this.backendPool.request({
          method: 'POST',
          path: prefix + path,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body ?? {}),
          headersTimeout: commandTimeout,
          bodyTimeout: commandTimeout,
        });
        return { status: res.statusCode, body: await res.body.text() };
      },
    };
  }

  get nodeId(): string {
    return this.opt.node.id;
  }

  /** The URL registered as the node's endpoint. */
  get endpoint(): string {
    return this.opt.endpoint ?? this.front?.url ?? this.opt.backend;
  }

  /** Starts the front (with `listen`); `tick` and `start` call it first. */
  async open(): Promise<void> {
    if (this.opt.listen === undefined || this.front !== undefined) return;
    this.front = await startFront({
      backend: this.opt.backend,
      key: this.opt.key,
      ...this.opt.listen,
      ...(this.opt.datasets === undefined ? {} : { datasets: this.opt.datasets }),
    });
  }

  /** Registers (retrying until it works, `stop` or a refusal), then heartbeats every interval. */
  async start(): Promise<void> {
    await this.open();
    await this.tick();
    this.schedule();
  }

  /** One step: register when needed, else discover and heartbeat. Never throws. */
  async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      await this.open();
      if (!this.registered) await this.register();
      else await this.refreshAttestation();
      if (this.registered) await this.beat();
    } finally {
      this.busy = false;
    }
  }

  async stop(deregister = false): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (deregister && this.registered) {
      await this.client.deregister(this.nodeId, ++this.seq, this.now()).catch(() => {});
    }
    await Promise.all([
      this.client.close().catch(() => {}),
      this.backendPool.close().catch(() => {}),
      this.front?.close(),
    ]);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tick().then(() => this.schedule());
    }, this.intervalMs);
  }

  /** The attestation document as the file holds it now (base64); undefined without `attestation`. */
  private readAttestation(): Attestation | undefined {
    const a = this.opt.attestation;
    if (a === undefined) return undefined;
    let bytes: Buffer;
    try {
      bytes = readFileSync(a.file);
    } catch (e) {
      throw new Error(`cannot read the attestation document ${a.file}: ${(e as Error).message}`);
    }
    return { kind: a.kind, document: bytes.toString('base64') };
  }

  /** Sends the attestation document again in a signed update when its file changed since it was last presented. */
  private async refreshAttestation(): Promise<void> {
    if (this.opt.attestation === undefined) return;
    try {
      const a = this.readAttestation()!;
      if (a.document === this.attested) return;
      this.attested = a.document;
      await this.client.updateAttestation(this.nodeId, ++this.seq, this.now(), a);
      this.attestationError = '';
      this.opt.onStatus?.({ kind: 'attestation-sent', bytes: Buffer.byteLength(a.document, 'base64') });
    } catch (e) {
      if (e instanceof CoordinatorError && (e.status === 404 || e.code === 'replayed'))
        this.registered = false;
      const message = (e as Error).message;
      if (message === this.attestationError) return;
      this.attestationError = message;
      this.opt.onStatus?.({ kind: 'attestation-failed', message });
    }
  }

  private async register(): Promise<void> {
    try {
      const attestation = this.readAttestation();
      this.attested = attestation?.document;
      const res = await this.client.register(
        this.opt.token,
        this.opt.node,
        this.endpoint,
        this.now(),
        attestation,
      );
      this.seq = res.lastSeq;
      if (this.opt.intervalMs === undefined) this.intervalMs = res.heartbeatIntervalMs;
      this.registered = true;
      this.registeredBefore = true;
      this.lastError.coordinator = '';
      this.opt.onStatus?.({ kind: 'registered', nodeId: res.nodeId, lastSeq: res.lastSeq });
    } catch (e) {
      if (refusesRegistration(e, this.registeredBefore)) this.giveUp('registration', e);
      else this.report({ kind: 'register-failed', message: (e as Error).message });
    }
  }

  private async beat(): Promise<void> {
    // Answers taken before discovery: the state reported then shows what the answered commands did.
    const acks = this.acks.splice(0, MAX_COMMANDS);
    let state: BackendState;
    try {
      state = await discover(this.opt.kind, this.ctx);
      this.lastError.backend = '';
    } catch (e) {
      this.report({ kind: 'backend-failed', message: (e as Error).message });
      state = { models: [], inFlight: 0, queue: 0 };
    }
    const rtt: RttSample[] = this.lastRttMs === undefined ? [] : [{ to: 'coordinator', ms: this.lastRttMs }];
    const hb: HeartbeatInput = {
      nodeId: this.nodeId,
      seq: ++this.seq,
      sentAt: this.now(),
      models: state.models,
      slots: state.slots ?? this.opt.node.slots ?? 8,
      inFlight: state.inFlight,
      queue: state.queue,
      ...(state.tokensPerSec === undefined ? {} : { tokensPerSec: state.tokensPerSec }),
      ...(state.decodeMsPerToken === undefined ? {} : { decodeMsPerToken: state.decodeMsPerToken }),
      rtt,
      acks,
    };
    const t0 = performance.now();
    try {
      const answer = await this.client.heartbeat(hb);
      this.lastRttMs = performance.now() - t0 + (this.opt.addedRttMs ?? 0);
      this.lastError.coordinator = '';
      this.takeCommands(answer, hb.seq);
    } catch (e) {
      this.acks.unshift(...acks);
      if (refusesHeartbeat(e)) return this.giveUp('heartbeat', e);
      if (e instanceof CoordinatorError && (e.status === 404 || e.code === 'replayed'))
        this.registered = false;
      this.report({ kind: 'heartbeat-failed', message: (e as Error).message });
    }
  }

  /**
   * Stops ticking for good and resolves `refused`: the same request would only be refused again, and an
   * agent that retries it forever looks alive to its operator. `stop` still closes the connections.
   */
  private giveUp(during: Refusal['during'], error: CoordinatorError): void {
    this.stopped = true;
    this.registered = false; // nothing to deregister: the coordinator refuses this node's messages
    clearTimeout(this.timer);
    this.refuse({ during, error });
  }

  /**
   * Queues the commands of a heartbeat answer when they are bound to this node and this heartbeat's
   * sequence; malformed ones and ids already taken are dropped.
   */
  private takeCommands(answer: Partial<HeartbeatResponse> | undefined, seq: number): void {
    const c = answer?.commands;
    if (c === undefined || c.nodeId !== this.nodeId || c.seq !== seq || !Array.isArray(c.list)) return;
    for (const raw of c.list.slice(0, MAX_COMMANDS)) {
      const parsed = WarmCommand.safeParse(raw);
      if (!parsed.success || this.taken.has(parsed.data.id)) continue;
      const cmd = parsed.data;
      this.taken.add(cmd.id);
      if (this.taken.size > 10_000) this.taken.delete(this.taken.values().next().value!);
      this.work = this.work.then(async () => {
        if (this.stopped) return;
        const ack = await carryOut(this.opt.kind, cmd, this.commandCtx);
        this.acks.push(ack);
        this.opt.onStatus?.({
          kind: 'command',
          id: cmd.id,
          command: `${cmd.kind} ${cmd.name}`,
          status: ack.status,
          detail: ack.detail ?? '',
        });
      });
    }
  }

  /** Waits until every command taken so far has been carried out (tests). */
  async idle(): Promise<void> {
    await this.work;
  }

  /** Reports a failure once per outage (no log line per second while a backend or the coordinator is down). */
  private report(s: AgentStatus & { message: string }): void {
    const source = s.kind === 'backend-failed' ? 'backend' : 'coordinator';
    if (s.kind === this.lastError[source]) return;
    this.lastError[source] = s.kind;
    this.opt.onStatus?.(s);
  }
}
