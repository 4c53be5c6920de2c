import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Open sockets at most. */
  max: number;
  /** Time a new socket has to start its first request (0: no limit). */
  firstRequestMs: number;
}

/**
 * Limits on the server's sockets. Past `max`, a new connection closes the oldest socket that has no
 * request in progress (one that connected and sent nothing, or a keep-alive socket between requests), so
 * a flood of idle sockets can neither exhaust file descriptors nor keep a new client out; when every
 * socket is busy, the new one is closed instead. A socket that starts no request within `firstRequestMs`
 * is closed (between requests, the server's keep-alive timeout applies; during one, the gateway's upstream
 * time limits). Returns the number of sockets open now.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): () => number {
  const sockets = new Map<Socket, Open>(); // insertion order = age
  server.on('connection', (socket: Socket) => {
    const open: Open = { busy: 0, silent: undefined };
    sockets.set(socket, open);
    if (limits.firstRequestMs > 0) {
      open.silent = setTimeout(() => socket.destroy(), limits.firstRequestMs);
      open.silent.unref();
    }
    socket.once('close', () => {
      sockets.delete(socket);
      clearTimeout(open.silent);
    });
    if (sockets.size > limits.max) closeIdle(socket);
  });
  server.on('request', (req, res) => {
    const open = sockets.get(req.socket);
    if (open === undefined) return;
    if (open.silent !== undefined) {
      clearTimeout(open.silent);
      open.silent = undefined;
    }
    open.busy++;
    res.on('close', () => {
      open.busy--;
    });
  });

  function closeIdle(fresh: Socket): void {
    for (const [s, open] of sockets) {
      if (open.busy > 0 || s === fresh) continue;
      sockets.delete(s);
      s.destroy();
      return;
    }
    sockets.delete(fresh);
    fresh.destroy();
  }

  return () => sockets.size;
}

/** One open socket: requests in progress, and the timer of its silent start until its first request. */
interface Open {
  busy: number;
  silent: NodeJS.Timeout | undefined;
}
