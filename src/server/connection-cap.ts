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
  const sockets = new Map<Socket, number>(); // socket → requests in progress; insertion order = age
  const silent = new Map<Socket, NodeJS.Timeout>();
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, 0);
    if (limits.firstRequestMs > 0) {
      const timer = setTimeout(() => socket.destroy(), limits.firstRequestMs);
      timer.unref();
      silent.set(socket, timer);
    }
    socket.once('close', () => {
      sockets.delete(socket);
      clearTimeout(silent.get(socket));
      silent.delete(socket);
    });
    if (sockets.size > limits.max) closeIdle(socket);
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    const timer = silent.get(socket);
    if (timer !== undefined) {
      clearTimeout(timer);
      silent.delete(socket);
    }
    const n = sockets.get(socket);
    if (n === undefined) return;
    sockets.set(socket, n + 1);
    res.once('close', () => {
      const m = sockets.get(socket);
      if (m !== undefined) sockets.set(socket, Math.max(0, m - 1));
    });
  });

  function closeIdle(fresh: Socket): void {
    for (const [s, busy] of sockets) {
      if (busy > 0 || s === fresh) continue;
      sockets.delete(s);
      s.destroy();
      return;
    }
    sockets.delete(fresh);
    fresh.destroy();
  }

  return () => sockets.size;
}
