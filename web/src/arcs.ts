import type { GeoPath, GeoProjection } from 'd3-geo';

/** One sampled request as the `arcs` event of `/ui/events` sends it (see src/ui/arcs.ts). */
export interface Arc {
  id: string;
  model: string;
  status: number;
  client: { lat: number; lon: number; metro: string | null; exact: boolean };
  node: string;
  primary: string;
  failover: boolean;
  verifiers: string[];
}

const SVG = 'http://www.w3.org/2000/svg';
/** Arcs kept on the map at once; the oldest fade out first. */
const KEEP = 60;

/**
 * Draws request arcs as great circles (d3-geo resamples a LineString along the sphere): client → node
 * (solid; dashed and orange when a failover answered), node → verifier (dotted). Each arc group carries
 * `data-receipt-id`; clicking it opens the receipt.
 */
export function drawArcs(
  layer: SVGGElement,
  path: GeoPath,
  projection: GeoProjection,
  where: (id: string) => [number, number] | undefined,
  arcs: readonly Arc[],
  open: (id: string) => void,
): void {
  for (const a of arcs) {
    const to = where(a.node);
    if (to === undefined) continue;
    const from: [number, number] = [a.client.lon, a.client.lat];
    const g = document.createElementNS(SVG, 'g');
    g.setAttribute('class', `arc${a.failover ? ' failover' : ''}${a.status >= 400 ? ' failed' : ''}`);
    g.dataset.receiptId = a.id;
    g.dataset.node = a.node;
    const line = (cls: string, b: [number, number]) => {
      const p = document.createElementNS(SVG, 'path');
      p.setAttribute('class', cls);
      p.setAttribute('d', path({ type: 'LineString', coordinates: [from, b] }) ?? '');
      return p;
    };
    g.appendChild(line('leg', to));
    for (const v of a.verifiers) {
      const at = where(v);
      if (at === undefined) continue;
      const p = document.createElementNS(SVG, 'path');
      p.setAttribute('class', 'verify');
      p.setAttribute('d', path({ type: 'LineString', coordinates: [to, at] }) ?? '');
      g.appendChild(p);
    }
    const [x, y] = projection(from) ?? [-10, -10];
    const dot = document.createElementNS(SVG, 'circle');
    dot.setAttribute('class', 'client');
    dot.setAttribute('cx', x.toFixed(1));
    dot.setAttribute('cy', y.toFixed(1));
    dot.setAttribute('r', '2');
    g.appendChild(dot);
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${a.id}: ${a.model} from ${a.client.metro ?? 'client'} to ${a.node}${a.failover ? ` (failover from ${a.primary})` : ''}`;
    g.appendChild(title);
    g.addEventListener('click', () => open(a.id));
    layer.appendChild(g);
  }
  while (layer.childElementCount > KEEP) layer.firstElementChild!.remove();
}
