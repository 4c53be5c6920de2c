import { Pool } from 'undici';
import { type KeyPair, type SignDomain, signPayload } from '../wire/identity.js';
import type {
  Attestation,
  DescriptorInput,
  Envelope,
  HeartbeatInput,
  HeartbeatResponse,
  RegisterResponse,
} from '../wire/protocol.js';

/** An error answer of the coordinator: HTTP status and its `{ error: { code, message } }`. */
export class CoordinatorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** The coordinator's own message (`message` adds the status and code). */
    readonly reason: string,
  ) {
    super(`coordinator answered ${status} ${code}: ${reason}`);
  }
}

export function envelope(domain: SignDomain, payload: unknown, key: KeyPair): Envelope {
  const text = JSON.stringify(payload);
  return { payload: text, signature: signPayload(domain, text, key.privateKey) };
}

/** The agent's side of the registry API, over one keep-alive connection pool. */
export class CoordinatorClient {
  private readonly pool: Pool;
  private readonly prefix: string;

  constructor(
    base: string,
    private readonly key: KeyPair,
    private readonly timeoutMs = 5000,
  ) {
    const url = new URL(base);
    this.pool = new Pool(url.origin, { connections: 2 });
    this.prefix = url.pathname.replace(/\/+$/, '');
  }

  async register(
    token: string,
    node: DescriptorInput,
    endpoint: string,
    now: number,
    attestation?: Attestation,
  ): Promise<RegisterResponse> {
    const body = envelope(
      'register',
      {
        node,
        endpoint,
        publicKey: this.key.publicKeyText,
        signedAt: now,
        ...(attestation === undefined ? {} : { attestation }),
      },
      this.key,
    );
    return (await this.send('POST', '/v1/nodes', body, {
      authorization: `Bearer ${token}`,
    })) as RegisterResponse;
  }

  /** Sends a heartbeat; the answer may carry warm-set commands (unchecked here: see Agent). */
  async heartbeat(hb: HeartbeatInput): Promise<Partial<HeartbeatResponse> | undefined> {
    return (await this.send('POST', '/v1/heartbeats', envelope('heartbeat', hb, this.key))) as
      | Partial<HeartbeatResponse>
      | undefined;
  }

  /** Sends a signed update carrying a (refreshed) attestation document. */
  async updateAttestation(nodeId: string, seq: number, now: number, attestation: Attestation): Promise<void> {
    const body = envelope('update', { nodeId, seq, signedAt: now, attestation }, this.key);
    await this.send('PUT', `/v1/nodes/${encodeURIComponent(nodeId)}`, body);
  }

  async deregister(nodeId: string, seq: number, now: number): Promise<void> {
    const body = envelope('deregister', { nodeId, seq, signedAt: now }, this.key);
    await this.send('DELETE', `/v1/nodes/${encodeURIComponent(nodeId)}`, body);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async send(
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<unknown> {
    const res = await this.pool.request({
      method,
      path: this.prefix + path,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const text = await res.body.text();
    if (res.statusCode >= 400) {
      let code = 'http_error';
      let message = text.slice(0, 300);
      try {
        const e = JSON.parse(text) as { error?: { code?: string; message?: string } };
        code = e.error?.code ?? code;
        message = e.error?.message ?? message;
      } catch {}
      throw new CoordinatorError(res.statusCode, code, message);
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
}
