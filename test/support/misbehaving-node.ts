import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A misbehaving inference node on loopback for fault tests: probes answered, completions as scripted. */

export const MODEL = 'llama-3.1-8b-instruct';

export interface Misbehaving {
  url: string;
  /** Completion requests received. */
  hits: number;
  /** Completion requests whose connection the gateway closed before an answer was complete. */
  aborted: number;
  close(): Promise<void>;
}

/** A node on a free loopback port that answers `GET /v1/models` and handles completions with `onCompletion`. */
export async function node(
  onCompletion: (req: IncomingMessage, res: ServerResponse, n: Misbehaving) => void,
): Promise<Misbehaving> {
  const sockets = new Set<Socket>();
  const state: Misbehaving = { url: '', hits: 0, aborted: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model' }] }));
      return;
    }
    state.hits++;
    res.on('close', () => {
      if (!res.writableFinished) state.aborted++;
    });
    req.resume();
    req.on('end', () => onCompletion(req, res, state));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return state;
}

/** Answers every completion with `status` (a refusal: 404, 408, 429). */
export const refuse =
  (status: number) =>
  (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'not now' } }));
  };
