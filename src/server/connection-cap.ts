import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A cap on open sockets. Past `max`, a new connection closes the oldest socket that has no request in
 * progress (one that connected and sent nothing, or a keep-alive socket between requests), so a flood of
 * idle sockets can neither exhaust file descriptors nor keep a new client out; when every socket is busy,
 * the new one is closed instead. Returns the number of sockets open now (for tests and metrics).
 */
export function capConnections(server: Server, max: number): () => number {
  const sockets = new Map<Socket, number>(); // socket → requests in progress; insertion order = age
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, 0);
    socket.once('close', () => sockets.delete(socket));
    if (sockets.size > max) closeIdle(socket);
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
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
