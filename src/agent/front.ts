import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { type Dispatcher, Pool } from 'undici';
import { answerChallenge, type HeldDatasetCopy } from '../trust/holdings/answer.js';
import { DATA_PROOF_PATH } from '../wire/data-proof.js';
import type { KeyPair } from '../wire/identity.js';
import { PROOF_PATH, proofAnswer } from '../wire/proof.js';

/**
 * The agent's front (`meridian agent --listen`): the node's endpoint when the inference server cannot
 * answer the coordinator's proof of control itself. It answers `GET /meridian/proof` with the node key
 * and forwards every other request to the backend unchanged, streamed both ways. The key never leaves
 * the agent; the backend needs no change. A data node's front also answers the coordinator's dataset
 * challenges (`GET /meridian/dataset-proof`) from the files the agent holds.
 */

/** Headers that belong to one connection and are not forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
]);

function forwardable(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

export interface FrontOptions {
  backend: string;
  key: KeyPair;
  host: string;
  port: number;
  /** Connections to the backend. */
  connections?: number;
  /** Datasets the node holds (agent/datasets.ts): the front answers their challenges. */
  datasets?: readonly HeldDatasetCopy[];
}

export interface Front {
  url: string;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function startFront(opt: FrontOptions): Promise<Front> {
  const b = new URL(opt.backend);
  const prefix = b.pathname.replace(/\/+$/, '');
  const pool = new Pool(b.origin, { connections: opt.connections ?? 128 });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    const [pathname = '/', query = ''] = path.split('?', 2);
    if (pathname === PROOF_PATH) {
      const answer =
        req.method === 'GET' ? proofAnswer(opt.key, new URLSearchParams(query).get('nonce')) : undefined;
      if (answer === undefined)
        json(res, 400, {
          error: { code: 'bad_nonce', message: 'expected GET with nonce: 32 bytes in base64url' },
        });
      else json(res, 200, answer);
      return;
    }
    if (pathname === DATA_PROOF_PATH && opt.datasets !== undefined && opt.datasets.length > 0) {
      const r =
        req.method === 'GET'
          ? answerChallenge(opt.key, opt.datasets, Object.fromEntries(new URLSearchParams(query)))
          : { status: 400 as const, body: { error: { code: 'bad_challenge', message: 'expected GET' } } };
      json(res, r.status, r.body);
      return;
    }
    const method = (req.method ?? 'GET') as Dispatcher.HttpMethod;
    const hasBody = method !== 'GET' && method !== 'HEAD';
    let up: Dispatcher.ResponseData;
    try {
      up = await pool.request({
        method,
        path: prefix + path,
        headers: forwardable(req.headers),
        ...(hasBody ? { body: req } : {}),
      });
    } catch (e) {
      json(res, 502, { error: { code: 'backend_unreachable', message: (e as Error).message } });
      return;
    }
    res.writeHead(up.statusCode, forwardable(up.headers));
    // A client that goes away ends the pipeline, which destroys the backend's body (and its request).
    await pipeline(up.body, res).catch(() => {
      if (!up.body.destroyed) up.body.destroy();
    });
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opt.port, opt.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await pool.close().catch(() => {});
    },
  };
}
