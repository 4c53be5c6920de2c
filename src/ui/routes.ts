import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { NotFoundError, UsageError } from '../errors.js';
import { accessOf } from '../server/access.js';
import type { Coordinator } from '../server/coordinator.js';
import { visibleReceipt } from '../server/receipt-access.js';
import { ArcRing, arcOf } from './arcs.js';
import { uiNodes, uiState, uiWhatIf } from './snapshot.js';

/**
 * The dashboard on the coordinator: `/ui` (the page, bundled at build time into dist/web, no CDN),
 * `/ui/api/state` (nodes, concentration, warm replicas), `/ui/api/whatif?dimension=&value=` (the analysis
 * what-if), and `/ui/events`, a server-sent event stream that sends, at most every `intervalMs`, the
 * changing part of every node (`nodes` events), a `structure` event when nodes join or leave, and an
 * `arcs` event with a sample of the requests routed since the last tick (see arcs.ts), so a page with
 * 5,000 nodes gets one batched update a second, not one per heartbeat or request.
 */
export interface UiOptions {
  /** Folder with index.html, app.js and style.css (default: dist/web beside the compiled code). */
  readonly assets?: string;
  /** Live update period, ms (default 1000). */
  readonly intervalMs?: number;
  /** Request arcs sent per second at most (default 20): a sample of the gateway's receipts. */
  readonly arcsPerSecond?: number;
}

const HERE = dirname(fileURLToPath(import.meta.url));

function defaultAssets(): string {
  // Compiled: dist/ui → dist/web; from sources (tests): src/ui → dist/web.
  for (const dir of [join(HERE, '..', 'web'), join(HERE, '..', '..', 'dist', 'web')])
    if (existsSync(join(dir, 'index.html'))) return dir;
  return join(HERE, '..', '..', 'dist', 'web');
}

const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

export function uiRoutes(app: FastifyInstance, c: Coordinator, options: UiOptions = {}): void {
  const assets = options.assets ?? defaultAssets();
  const intervalMs = options.intervalMs ?? 1000;
  const arcsPerTick = Math.max(1, Math.round(((options.arcsPerSecond ?? 20) * intervalMs) / 1000));
  const file = (name: string) => {
    const path = join(assets, name);
    if (!existsSync(path)) return undefined;
    return readFileSync(path);
  };
  const page = (name: string) => async (_req: unknown, reply: import('fastify').FastifyReply) => {
    const body = file(name);
    if (body === undefined)
      return reply.code(503).send({
        error: { code: 'ui_not_built', message: `dashboard asset ${name} missing: run npm run build` },
      });
    return reply.type(TYPES[name]!).header('cache-control', 'no-cache').send(body);
  };
  app.get('/ui', page('index.html'));
  app.get('/ui/', page('index.html'));
  app.get('/ui/app.js', page('app.js'));
  app.get('/ui/style.css', page('style.css'));
  app.get('/ui/api/state', async () => uiState(c));
  app.get('/ui/api/whatif', async (req) => {
    const q = req.query as Record<string, unknown>;
    const dimension = typeof q.dimension === 'string' ? q.dimension : '';
    const value = typeof q.value === 'string' ? q.value : '';
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(dimension) || value === '')
      throw new UsageError(
        'what-if needs ?dimension=NAME&value=VALUE (a dimension such as provider, asn, country, operator)',
      );
    return uiWhatIf(c, dimension, value);
  });
  app.get('/ui/api/receipts/:id', async (req) => {
    const id = (req.params as { id: string }).id;
    const stored = /^[A-Za-z0-9-]{1,100}$/.test(id) ? await c.receipts.get(id) : undefined;
    // The same reading rule as GET /v1/receipts/:id: a client key's receipts only to it and the admin,
    // others without the client's place.
    const receipt =
      stored === undefined ? undefined : visibleReceipt(await accessOf(c, req.headers.authorization), stored);
    if (receipt === undefined) throw new NotFoundError(`no receipt ${JSON.stringify(id)}`);
    return receipt;
  });
  const streams = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of streams) end();
  });
  app.get('/ui/events', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    let ids = '';
    const arcs = new ArcRing(arcsPerTick * 4);
    const stopArcs = c.receipts.onAdd((id, receipt) => {
      const arc = arcOf(id, receipt);
      if (arc !== undefined) arcs.push(arc);
    });
    const tick = () => {
      const nodes = uiNodes(c);
      const now = nodes.map((n) => n.id).join('\n');
      if (now !== ids) {
        ids = now;
        res.write(`event: structure\ndata: ${JSON.stringify({ nodes: nodes.length })}\n\n`);
      }
      const dyn = nodes.map((n) => [n.id, n.dyn]);
      res.write(`event: nodes\ndata: ${JSON.stringify({ at: c.now(), nodes: dyn })}\n\n`);
      const sample = arcs.take(arcsPerTick);
      if (sample.length > 0) res.write(`event: arcs\ndata: ${JSON.stringify({ arcs: sample })}\n\n`);
    };
    tick();
    const timer = setInterval(tick, intervalMs);
    const end = () => {
      clearInterval(timer);
      stopArcs();
      streams.delete(end);
      if (!res.writableEnded) res.end();
    };
    streams.add(end);
    req.raw.on('close', end);
  });
}
