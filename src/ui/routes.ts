import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InputError, NotFoundError, UsageError } from '../errors.js';
import { accessOf } from '../server/access.js';
import type { Coordinator } from '../server/coordinator.js';
import { visibleReceipt } from '../server/receipt-access.js';
import { MAX_DEMAND_BUCKET_S } from '../server/routes-gateway.js';
import { uiDemand } from './demand.js';
import { type ErrorPoint, errorPoint, Series, type TrustPoint, trustPoint } from './history.js';
import { type UiState, type UiTrust, uiConcentration, uiState, uiWhatIf } from './snapshot.js';
import { openStream } from './stream.js';
import { type UiViewer, uiViewer } from './viewer.js';

/**
 * The dashboard on the coordinator: `/ui` (the page, bundled at build time into dist/web, no CDN),
 * `/ui/api/state` (nodes, concentration, warm replicas, the prediction-error and trust series;
 * `?nodes=0` without the nodes), `/ui/api/whatif?dimension=&value=` (the analysis what-if),
 * `/ui/api/demand` (series, forecast and growth ranking), `/ui/api/receipts/:id`, and `/ui/events`, the
 * live stream (stream.ts). Every answer is shaped by the reader's key (viewer.ts).
 */
export interface UiOptions {
  /** Folder with index.html, app.js and style.css (default: dist/web beside the compiled code). */
  readonly assets?: string;
  /** Live update period, ms (default 1000). */
  readonly intervalMs?: number;
  /** Request arcs sent per second at most (default 20): a sample of the gateway's receipts. */
  readonly arcsPerSecond?: number;
  /** Period of the prediction-error and trust series, ms (default 10,000), and points kept (default 90). */
  readonly historyMs?: number;
  readonly historyPoints?: number;
  /** The coordinator's trust verdict on a node, when it keeps them (the nodes are marked and the series kept). */
  readonly trustOf?: (id: string) => UiTrust | undefined;
}

/** The concentration panel is at most this old (ms). */
const CONCENTRATION_MAX_AGE_MS = 2000;

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
  const viewerOf = async (req: FastifyRequest): Promise<UiViewer> =>
    uiViewer(await accessOf(c, req.headers.authorization), options.trustOf);
  const history = startHistory(c, options);
  // The analysis of 5,000 nodes takes a few hundred ms: pages polling every few seconds share one result.
  let concentration: { at: number; value: UiState['concentration'] } | undefined;
  const recentConcentration = () => {
    const now = c.now();
    if (concentration === undefined || now - concentration.at >= CONCENTRATION_MAX_AGE_MS)
      concentration = { at: now, value: uiConcentration(c, now) };
    return concentration.value;
  };
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
  app.get('/ui/api/state', async (req) => {
    const viewer = await viewerOf(req);
    return uiState(c, {
      view: viewer,
      viewer: { role: viewer.role, ...(viewer.refused === undefined ? {} : { refused: viewer.refused }) },
      history: { predictionError: history.errors.list(), trust: history.trust.list() },
      withoutNodes: (req.query as Record<string, unknown>).nodes === '0',
      concentration: recentConcentration,
    });
  });
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
  app.get('/ui/api/demand', async (req) => demandPanel(c, req.query as Record<string, unknown>));
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
    history.stop();
    for (const end of streams) end();
  });
  app.get('/ui/events', async (req, reply) => {
    const viewer = await viewerOf(req);
    reply.hijack();
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const stop = openStream(c, viewer, reply.raw, { intervalMs, arcsPerTick, gzip });
    const end = () => {
      stop();
      streams.delete(end);
    };
    streams.add(end);
    req.raw.on('close', end);
  });
}

/** `?bucket=S` seconds (a whole number of minutes, default 60) `&points=N` (default 60, at most 1,440). */
async function demandPanel(c: Coordinator, q: Record<string, unknown>) {
  const int = (field: string, fallback: number, ok: (v: number) => boolean, expected: string) => {
    const raw = q[field];
    const v = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(v) || !ok(v))
      throw new InputError('query', [{ path: field, message: expected, value: raw }]);
    return v;
  };
  const bucketS = int(
    'bucket',
    60,
    (v) => v >= 60 && v % 60 === 0 && v <= MAX_DEMAND_BUCKET_S,
    `a whole number of minutes in seconds, at most ${MAX_DEMAND_BUCKET_S} (a week)`,
  );
  const points = int('points', 60, (v) => v >= 2 && v <= 1440, 'a whole number from 2 to 1440');
  const json = await c.demand.series(bucketS * 1000, c.now() - 4 * points * bucketS * 1000, 'region');
  return uiDemand(json, { points, horizon: Math.max(1, Math.round(points / 4)), limit: 12 });
}

/** Samples the prediction error (and trust, when kept) every `historyMs` until stopped. */
function startHistory(c: Coordinator, options: UiOptions) {
  const periodMs = options.historyMs ?? 10_000;
  const errors = new Series<ErrorPoint>(options.historyPoints ?? 90);
  const trust = new Series<TrustPoint>(options.historyPoints ?? 90);
  const hist = c.metrics.predictionError;
  let last = hist.snapshot();
  const timer = setInterval(() => {
    const now = hist.snapshot();
    const at = c.now();
    errors.push(errorPoint(last, now, hist.bounds, at));
    last = now;
    const trustOf = options.trustOf;
    const t =
      trustOf &&
      trustPoint(
        c.registry.all().map((n) => trustOf(n.record.id)),
        at,
      );
    if (t) trust.push(t);
  }, periodMs);
  timer.unref();
  return { errors, trust, stop: () => clearInterval(timer) };
}
