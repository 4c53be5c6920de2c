import type { ServerResponse } from 'node:http';
import { createGzip } from 'node:zlib';
import type { Coordinator } from '../server/coordinator.js';
import { ArcRing } from './arcs.js';
import { NodeDeltas } from './deltas.js';
import { uiNodeParts } from './snapshot.js';
import type { UiViewer } from './viewer.js';

/**
 * One page's live stream (`GET /ui/events`, server-sent events), every `intervalMs`:
 * - `snapshot` {at, nodes}: every node whole, on opening and whenever nodes join, leave or change
 *   place, labels or slots;
 * - `nodes` {at, changed: [[id, dyn], …]}: only the nodes whose changing part moved since this page was
 *   last sent it (not sent when none did);
 * - `arcs` {arcs}: at most `arcsPerTick` of the requests routed since the last tick, as the reader may
 *   see them;
 * - a comment line every 15 s when nothing else was sent, so proxies keep the connection open.
 * One write per tick at most: a page with 5,000 nodes gets one batched update per period, not one per
 * heartbeat or request. When the reader accepts gzip the stream is compressed, flushed after each tick
 * (the node list repeats its label names and values: 1.7 MB for 5,000 nodes, about a tenth gzipped).
 * Returns the function that ends the stream.
 */
export function openStream(
  c: Coordinator,
  viewer: UiViewer,
  res: ServerResponse,
  opts: { intervalMs: number; arcsPerTick: number; gzip: boolean },
): () => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...(opts.gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  const zip = opts.gzip ? createGzip() : undefined;
  zip?.pipe(res);
  // A reader that went away mid-write is not an error of the coordinator: the stream just ends.
  zip?.on('error', () => {});
  const send = (text: string) => {
    if (zip === undefined) res.write(text);
    else {
      zip.write(text);
      zip.flush();
    }
  };
  const deltas = new NodeDeltas();
  const arcs = new ArcRing(opts.arcsPerTick * 4);
  const stopArcs = c.receipts.onAdd((id, receipt) => {
    const arc = viewer.arc(id, receipt);
    if (arc !== undefined) arcs.push(arc);
  });
  let quietMs = 0;
  const tick = () => {
    const at = c.now();
    const delta = deltas.next(uiNodeParts(c, viewer, at));
    let out = '';
    const event = (name: string, data: unknown) => {
      out += `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    };
    if (delta.kind === 'full') event('snapshot', { at, nodes: delta.nodes });
    else if (delta.changed.length > 0) event('nodes', { at, changed: delta.changed });
    const sample = arcs.take(opts.arcsPerTick);
    if (sample.length > 0) event('arcs', { arcs: sample });
    quietMs = out === '' ? quietMs + opts.intervalMs : 0;
    if (quietMs >= 15_000) {
      out = ': idle\n\n';
      quietMs = 0;
    }
    if (out !== '') send(out);
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs);
  return () => {
    clearInterval(timer);
    stopArcs();
    if (zip !== undefined) zip.end();
    else if (!res.writableEnded) res.end();
  };
}
