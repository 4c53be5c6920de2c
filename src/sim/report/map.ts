import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoNaturalEarth1, geoPath } from 'd3-geo';
import type { FeatureCollection } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { SimInput } from '../input.js';
import type { SimResults } from '../results.js';
import { esc } from './svg.js';

/**
 * The report's maps, drawn at build time in Node (d3-geo writes SVG path strings; no script in the page):
 * the scenario's nodes on the world (world-atlas land at 1:110m, drawn once and reused by every map), and
 * per policy the client metros coloured by the p95 of their region (where latency was worst) and the nodes
 * sized by the share of served traffic their provider took (results.json counts traffic per provider, not
 * per node, so every node of a provider gets that provider's share divided among them).
 */
export interface ReportPlaces {
  readonly nodes: readonly { id: string; lat: number; lon: number; provider: string | undefined }[];
  readonly metros: readonly { id: string; lat: number; lon: number; region: string }[];
}

export function placesOf(input: SimInput): ReportPlaces {
  return {
    nodes: input.nodes.map((n) => ({
      id: n.id,
      lat: n.location.lat,
      lon: n.location.lon,
      provider: n.labels.provider?.value,
    })),
    metros: input.metros.map((m) => ({ id: m.id, lat: m.lat, lon: m.lon, region: m.region })),
  };
}

const W = 720;
const H = 370;
let landPath: string | undefined;

function projection() {
  return geoNaturalEarth1().fitExtent(
    [
      [4, 4],
      [W - 4, H - 4],
    ],
    { type: 'Sphere' },
  );
}

function land(): string {
  if (landPath !== undefined) return landPath;
  const file = createRequire(import.meta.url).resolve('world-atlas/land-110m.json');
  const topo = JSON.parse(readFileSync(file, 'utf8')) as Topology;
  const geo = feature(topo, topo.objects.land as GeometryCollection) as FeatureCollection;
  landPath = geoPath(projection()).digits(1)(geo) ?? '';
  return landPath;
}

/** Green (fast) to red (slow) for `t` in [0, 1]. */
function heat(t: number): string {
  const c = Math.max(0, Math.min(1, t));
  return `hsl(${Math.round(120 * (1 - c))},70%,45%)`;
}

function frame(inner: string, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}"><rect width="${W}" height="${H}" fill="#eef3f7"/><use href="#report-land"/>${inner}</svg>`;
}

function nodeMarks(places: ReportPlaces, radius: (provider: string | undefined) => number): string {
  const p = projection();
  return places.nodes
    .map((n) => {
      const [x, y] = p([n.lon, n.lat]) ?? [-10, -10];
      return `<circle class="node" data-node-id="${esc(n.id)}" cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${radius(n.provider).toFixed(2)}" fill="#4e79a7" fill-opacity="0.75" stroke="#1d3557" stroke-width="0.5"><title>${esc(`${n.id} (${n.provider ?? 'no provider'})`)}</title></circle>`;
    })
    .join('');
}

/** The HTML section with the maps: one of the scenario's nodes, one per policy. */
export function reportMaps(r: SimResults, places: ReportPlaces): string {
  const defs = `<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs><path id="report-land" d="${land()}" fill="#d5dde5" stroke="#b8c2cc" stroke-width="0.4"/></defs></svg>`;
  const all = frame(
    nodeMarks(places, () => 3),
    `the scenario's ${places.nodes.length} nodes`,
  );
  const perProvider = new Map<string | undefined, number>();
  for (const n of places.nodes) perProvider.set(n.provider, (perProvider.get(n.provider) ?? 0) + 1);
  const p95s = Object.values(r.policies).flatMap((pr) =>
    Object.values(pr.by_region).flatMap((g) => (g.p95 === null ? [] : [g.p95])),
  );
  const lo = Math.min(...p95s);
  const hi = Math.max(...p95s);
  const proj = projection();
  const maps = Object.entries(r.policies).map(([name, pr]) => {
    const share = (provider: string | undefined) =>
      (pr.traffic.provider.top.find((t) => t.value === provider)?.share ?? 0) /
      (perProvider.get(provider) ?? 1);
    const metros = places.metros
      .map((m) => {
        const p95 = pr.by_region[m.region]?.p95 ?? null;
        const [x, y] = proj([m.lon, m.lat]) ?? [-10, -10];
        const fill = p95 === null ? '#999' : heat(hi > lo ? (p95 - lo) / (hi - lo) : 0);
        return `<rect class="metro" data-metro="${esc(m.id)}" x="${(x - 3).toFixed(1)}" y="${(y - 3).toFixed(1)}" width="6" height="6" fill="${fill}" stroke="#222" stroke-width="0.4"><title>${esc(`${m.id} (${m.region}): p95 ${p95 === null ? 'none served' : `${Math.round(p95)} ms`}`)}</title></rect>`;
      })
      .join('');
    const marks = nodeMarks(places, (provider) => 1.5 + 14 * Math.sqrt(share(provider)));
    return `<h3>${esc(name)}</h3><figure data-policy="${esc(name)}">${frame(marks + metros, `where ${name} served and its p95 per metro`)}</figure>`;
  });
  const range =
    p95s.length > 0 ? `${Math.round(lo)} ms (green) to ${Math.round(hi)} ms (red)` : 'no request served';
  return `<h2>Map</h2>${defs}<p class="note">The scenario's nodes. Below, per policy: nodes sized by their provider's share of served traffic (split evenly among its nodes; results.json does not count traffic per node), client metros (squares) coloured by the p95 end-to-end latency of their region, ${range}.</p><figure data-testid="nodes-map">${all}</figure>${maps.join('')}`;
}
