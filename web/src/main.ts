import { geoGraticule10, geoNaturalEarth1, geoPath } from 'd3-geo';
import type { FeatureCollection } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/land-110m.json';
import { type Arc, drawArcs } from './arcs.js';
import { drawDemand } from './demand.js';
import { api, type SseEvent, savedKey, saveKey, stream } from './net.js';
import { NodeLayer } from './nodes.js';
import { drawConcentration, drawHistory, drawModels } from './panels.js';
import { showReceipt } from './receipts.js';
import type { Dyn, State, UiNode, WhatIf } from './types.js';
import { drawWarmset } from './warmset.js';

/**
 * The dashboard page. The live stream (`/ui/events`) brings every node once (`snapshot`), then only the
 * nodes that changed (`nodes`, at most one event a period) and sampled request arcs; the map redraws at
 * most once per animation frame whatever arrives. The side panels come from `/ui/api/state` (every 5 s),
 * `/ui/api/demand` (every 30 s) and, when served, `/v1/warmset/actions`. A key typed in the header is
 * sent with every request (net.ts).
 */

const SVG = 'http://www.w3.org/2000/svg';
const $ = <T extends Element>(sel: string) => document.querySelector(sel) as T;

const svg = $<SVGSVGElement>('#map');
const projection = geoNaturalEarth1();
const path = geoPath(projection);
const layer = new NodeLayer($<HTMLCanvasElement>('#nodes'), $<HTMLElement>('#node-index'));
let arcLayer: SVGGElement | undefined;
let state: State | undefined;

/** Fits the projection to the map's size (cheap: node places depend only on this). */
function fitProjection(): void {
  const { width, height } = svg.getBoundingClientRect();
  projection.fitExtent(
    [
      [8, 8],
      [Math.max(width, 320) - 8, Math.max(height, 200) - 8],
    ],
    { type: 'Sphere' },
  );
}

/** The sphere, graticule and land (the coastlines, one path): drawn once the stream is opening. */
function drawBase(): void {
  const topo = world as unknown as Topology;
  const land = feature(topo, topo.objects.land as GeometryCollection) as FeatureCollection;
  const arcs = arcLayer;
  svg.replaceChildren();
  const add = (tag: string, attrs: Record<string, string>) => {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    svg.appendChild(el);
    return el;
  };
  add('path', { class: 'sphere', d: path({ type: 'Sphere' }) ?? '' });
  add('path', { class: 'graticule', d: path(geoGraticule10()) ?? '' });
  add('path', { class: 'land', d: path(land) ?? '' });
  if (arcs === undefined) arcLayer = add('g', { class: 'arcs', 'data-testid': 'arcs' }) as SVGGElement;
  else svg.appendChild(arcs);
  svg.dataset.drawnAt = performance.now().toFixed(0);
}

let frame = 0;
/** Redraws the nodes and the summary on the next animation frame (once, however many updates came). */
function redraw(): void {
  if (frame !== 0) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    layer.draw();
    const nodes = layer.nodes;
    const healthy = nodes.filter((n) => n.dyn.health !== 'unhealthy').length;
    const quarantined = nodes.filter((n) => n.dyn.trust?.quarantined === true).length;
    $<HTMLElement>('#summary').textContent =
      `${nodes.length} nodes, ${healthy} healthy${quarantined > 0 ? `, ${quarantined} quarantined` : ''}`;
    if (layer.highlight !== '')
      $<HTMLElement>('#lit').textContent =
        `${document.querySelectorAll('#node-index [data-lit]').length} nodes warm for ${layer.highlight}`;
  });
}

function drawLegend(): void {
  $<HTMLElement>('#legend').replaceChildren(
    ...[...layer.colourMap].slice(0, 14).map(([v, col]) => {
      const d = document.createElement('div');
      const i = document.createElement('i');
      i.style.background = col;
      d.append(i, document.createTextNode(v));
      return d;
    }),
  );
}

function onEvent(e: SseEvent): void {
  if (e.event === 'snapshot') {
    layer.setAll((JSON.parse(e.data) as { nodes: UiNode[] }).nodes, projection);
    drawLegend();
    fillWhatIfValues();
    redraw();
    // The side panels ask for their data once the map has its nodes, not before.
    void loadState();
    if (!sidePanels) {
      sidePanels = true;
      void loadSidePanels();
    }
  } else if (e.event === 'nodes') {
    layer.update((JSON.parse(e.data) as { changed: [string, Dyn][] }).changed);
    redraw();
  } else if (e.event === 'arcs' && arcLayer !== undefined) {
    const { arcs } = JSON.parse(e.data) as { arcs: Arc[] };
    drawArcs(arcLayer, path, projection, where, arcs, openReceipt);
  }
}

function where(id: string): [number, number] | undefined {
  const n = layer.get(id);
  return n === undefined ? undefined : [n.lon, n.lat];
}

function openReceipt(id: string): void {
  $<HTMLInputElement>('#receipt-id').value = id;
  void showReceipt($<HTMLElement>('#receipt'), id);
}

let loading = false;
async function loadState(): Promise<void> {
  if (loading) return;
  loading = true;
  try {
    const res = await api('/ui/api/state?nodes=0');
    if (!res.ok) return;
    state = (await res.json()) as State;
    drawConcentration(state);
    drawModels(state, pickModel, layer.highlight);
    drawHistory(state);
    const v = state.viewer;
    $<HTMLElement>('#viewer').textContent = v.refused === undefined ? v.role : `anonymous (${v.refused})`;
  } finally {
    loading = false;
  }
}

function pickModel(model: string): void {
  $<HTMLSelectElement>('#model-pick').value = model;
  layer.setHighlight(model);
  if (model === '') $<HTMLElement>('#lit').textContent = '';
  redraw();
}

function fillWhatIfValues(): void {
  const dim = $<HTMLSelectElement>('#whatif-dim').value;
  const select = $<HTMLSelectElement>('#whatif-value');
  const current = select.value;
  const values = [
    ...new Set(layer.nodes.map((n) => n.labels[dim]).filter((v): v is string => v !== undefined)),
  ].sort();
  select.replaceChildren(
    ...values.map((v) => {
      const o = document.createElement('option');
      o.value = v;
      o.textContent = v;
      return o;
    }),
  );
  if (values.includes(current)) select.value = current;
}

async function runWhatIf(): Promise<void> {
  const dim = $<HTMLSelectElement>('#whatif-dim').value;
  const value = $<HTMLSelectElement>('#whatif-value').value;
  const out = $<HTMLElement>('#whatif');
  const res = await api(
    `/ui/api/whatif?dimension=${encodeURIComponent(dim)}&value=${encodeURIComponent(value)}`,
  );
  const body = (await res.json()) as WhatIf & { error?: { message: string } };
  out.replaceChildren();
  if (!res.ok) {
    out.textContent = body.error?.message ?? `error ${res.status}`;
    return;
  }
  const lostSlots = body.capacity.reduce((s, r) => s + (r.before - r.after), 0);
  const totalSlots = layer.nodes.reduce((s, n) => s + n.slots, 0);
  const p = (text: string, testid: string, cls = '') => {
    const el = document.createElement('p');
    el.textContent = text;
    el.dataset.testid = testid;
    if (cls) el.className = cls;
    out.appendChild(el);
  };
  p(`${body.name}: ${body.removed} nodes down`, 'whatif-removed');
  p(`capacity lost: ${lostSlots} of ${totalSlots} slots`, 'whatif-capacity');
  p(
    body.modelsNoWarm.length > 0
      ? `models left without a warm replica: ${body.modelsNoWarm.join(', ')}`
      : 'every warm model keeps a warm replica',
    'whatif-models',
    body.modelsNoWarm.length > 0 ? 'bad' : '',
  );
  const worst = body.latency.filter((l) => l.deltaMs !== null && l.deltaMs > 0).slice(0, 5);
  if (worst.length > 0)
    p(
      `latency: ${worst.map((l) => `${l.region} +${Math.round(l.deltaMs!)} ms`).join(', ')}`,
      'whatif-latency',
    );
}

function showTip(e: MouseEvent): void {
  const rect = svg.getBoundingClientRect();
  const n = layer.at(e.clientX - rect.left, e.clientY - rect.top);
  const tip = $<HTMLElement>('#tooltip');
  tip.hidden = n === undefined;
  if (n === undefined) return;
  const trust = n.dyn.trust;
  tip.textContent = [
    `${n.id} (${n.metro})`,
    ...Object.entries(n.labels).map(([k, v]) => `${k}: ${v}`),
    `${n.dyn.health}, breaker ${n.dyn.breaker}`,
    `load ${(n.dyn.load * 100).toFixed(0)}% of ${n.slots} slots`,
    `warm: ${n.dyn.warm.join(', ') || '—'}`,
    ...(trust === undefined
      ? []
      : [
          `trust ${trust.score.toFixed(2)}${trust.quarantined ? `, quarantined: ${trust.reason ?? ''}` : ''}`,
        ]),
  ].join('\n');
  tip.style.left = `${e.clientX - rect.left + 12}px`;
  tip.style.top = `${e.clientY - rect.top + 12}px`;
}

let sidePanels = false;
async function loadSidePanels(): Promise<void> {
  await drawDemand($<HTMLElement>('#demand'), Number($<HTMLSelectElement>('#demand-bucket').value));
  await drawWarmset($<HTMLElement>('[data-testid=panel-warmset]'), $<HTMLElement>('#warmset'));
}

let stop = () => {};
function connect(): void {
  stop();
  sidePanels = false;
  const live = $<HTMLElement>('#live');
  stop = stream('/ui/events', onEvent, (open) => live.classList.toggle('down', !open));
}

$<HTMLSelectElement>('#colour-by').addEventListener('change', (e) => {
  layer.recolour((e.target as HTMLSelectElement).value);
  drawLegend();
  redraw();
});
$<HTMLSelectElement>('#whatif-dim').addEventListener('change', fillWhatIfValues);
$<HTMLFormElement>('#whatif-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void runWhatIf();
});
$<HTMLSelectElement>('#model-pick').addEventListener('change', (e) => {
  pickModel((e.target as HTMLSelectElement).value);
});
$<HTMLFormElement>('#receipt-form').addEventListener('submit', (e) => {
  e.preventDefault();
  openReceipt($<HTMLInputElement>('#receipt-id').value.trim());
});
$<HTMLSelectElement>('#demand-bucket').addEventListener('change', (e) => {
  void drawDemand($<HTMLElement>('#demand'), Number((e.target as HTMLSelectElement).value));
});
$<HTMLFormElement>('#login').addEventListener('submit', (e) => {
  e.preventDefault();
  saveKey($<HTMLInputElement>('#key').value.trim());
  $<HTMLInputElement>('#key').value = '';
  connect();
});
$<HTMLElement>('#map-panel').addEventListener('mousemove', showTip);
$<HTMLElement>('#map-panel').addEventListener('mouseleave', () => {
  $<HTMLElement>('#tooltip').hidden = true;
});
window.addEventListener('resize', () => {
  fitProjection();
  if (arcLayer !== undefined) arcLayer.replaceChildren();
  drawBase();
  layer.project(projection);
  redraw();
});

fitProjection();
connect();
setTimeout(drawBase, 0);
$<HTMLElement>('#viewer').textContent = savedKey() === '' ? 'anonymous' : '…';
setInterval(() => void loadState(), 5000);
setInterval(() => void loadSidePanels(), 30_000);
