import { geoGraticule10, geoNaturalEarth1, geoPath } from 'd3-geo';
import type { FeatureCollection } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-110m.json';
import { type Arc, drawArcs } from './arcs.js';
import { loadOptionalPanels } from './extras.js';
import { showReceipt } from './receipts.js';
import type { Dyn, State, UiNode, WhatIf } from './types.js';

/**
 * The dashboard page: a world map of the coordinator's nodes (coloured by a chosen dimension, sized by
 * load, marked when cold, stale, unhealthy or behind an open breaker), the concentration of the live
 * registry, a what-if outage picker and the warm replicas per model. It reads `/ui/api/state` once and
 * whenever nodes join or leave, and applies the batched `nodes` events of `/ui/events` in place (one DOM
 * pass per event, at most one per animation frame).
 */

const SVG = 'http://www.w3.org/2000/svg';
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#86bcb6',
  '#d37295',
];
const $ = <T extends Element>(sel: string) => document.querySelector(sel) as T;

let state: State | undefined;
const marks = new Map<string, SVGCircleElement>();
let colourBy = 'provider';
let highlight = '';
let arcLayer: SVGGElement | undefined;

const svg = $<SVGSVGElement>('#map');
const projection = geoNaturalEarth1();
const path = geoPath(projection);

function labelOf(n: UiNode, dim: string): string {
  if (dim === 'role') return n.roles.join('+');
  return n.labels[dim] ?? 'unknown';
}

function colours(nodes: UiNode[], dim: string): Map<string, string> {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(labelOf(n, dim), (counts.get(labelOf(n, dim)) ?? 0) + 1);
  const ordered = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const out = new Map<string, string>();
  ordered.forEach(([v], k) => {
    out.set(v, k < PALETTE.length ? PALETTE[k]! : '#777');
  });
  return out;
}

function drawBase(): void {
  const { width, height } = svg.getBoundingClientRect();
  const land = feature(
    countries as unknown as Topology,
    (countries as unknown as Topology).objects.countries as GeometryCollection,
  ) as FeatureCollection;
  projection.fitExtent(
    [
      [8, 8],
      [Math.max(width, 320) - 8, Math.max(height, 200) - 8],
    ],
    { type: 'Sphere' },
  );
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
  arcLayer = add('g', { class: 'arcs', 'data-testid': 'arcs' }) as SVGGElement;
}

function radius(n: UiNode): number {
  return 2.5 + 5 * Math.sqrt(Math.min(Math.max(n.dyn.load, 0), 4));
}

function styleMark(c: SVGCircleElement, n: UiNode, palette: Map<string, string>): void {
  c.setAttribute('r', radius(n).toFixed(2));
  c.setAttribute('fill', palette.get(labelOf(n, colourBy)) ?? '#777');
  c.dataset.health = n.dyn.health;
  c.dataset.breaker = n.dyn.breaker;
  c.dataset.load = n.dyn.load.toFixed(3);
  c.classList.toggle('cold', n.roles.includes('inference') && n.dyn.warm.length === 0);
  const lit = highlight !== '' && n.dyn.warm.includes(highlight) && n.dyn.health !== 'unhealthy';
  c.classList.toggle('lit', lit);
  c.classList.toggle('dim', highlight !== '' && !lit);
}

function drawNodes(): void {
  if (state === undefined) return;
  const palette = colours(state.nodes, colourBy);
  const seen = new Set<string>();
  for (const n of state.nodes) {
    seen.add(n.id);
    let c = marks.get(n.id);
    if (c === undefined) {
      c = document.createElementNS(SVG, 'circle') as SVGCircleElement;
      c.setAttribute('class', 'node');
      c.dataset.nodeId = n.id;
      c.addEventListener('mouseenter', (e) => showTip(n.id, e));
      c.addEventListener('mouseleave', () => {
        $<HTMLElement>('#tooltip').hidden = true;
      });
      marks.set(n.id, c);
    }
    const [x, y] = projection([n.lon, n.lat]) ?? [-10, -10];
    c.setAttribute('cx', x.toFixed(1));
    c.setAttribute('cy', y.toFixed(1));
    styleMark(c, n, palette);
    if (c.parentNode !== svg) svg.appendChild(c);
  }
  for (const [id, c] of marks)
    if (!seen.has(id)) {
      c.remove();
      marks.delete(id);
    }
  const legend = $<HTMLElement>('#legend');
  legend.replaceChildren(
    ...[...palette].slice(0, 14).map(([v, col]) => {
      const d = document.createElement('div');
      const i = document.createElement('i');
      i.style.background = col;
      d.append(i, document.createTextNode(v));
      return d;
    }),
  );
}

function showTip(id: string, e: MouseEvent): void {
  const n = state?.nodes.find((x) => x.id === id);
  if (n === undefined) return;
  const tip = $<HTMLElement>('#tooltip');
  tip.textContent = `${n.id} (${n.metro})\n${Object.entries(n.labels)
    .map(([k, v]) => `${k}: ${v}`)
    .join(
      '\n',
    )}\n${n.dyn.health}, breaker ${n.dyn.breaker}\nload ${(n.dyn.load * 100).toFixed(0)}% of ${n.slots} slots\nwarm: ${n.dyn.warm.join(', ') || '—'}`;
  tip.style.left = `${e.offsetX + 12}px`;
  tip.style.top = `${e.offsetY + 12}px`;
  tip.hidden = false;
}

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '∞');

function drawPanels(): void {
  if (state === undefined) return;
  const healthy = state.nodes.filter((n) => n.dyn.health !== 'unhealthy').length;
  $<HTMLElement>('#summary').textContent = `${state.nodes.length} nodes, ${healthy} healthy`;
  $<HTMLElement>('#weighting').textContent = `weighted by ${state.concentration.weighting}`;
  $<HTMLTableSectionElement>('#concentration tbody').replaceChildren(
    ...state.concentration.rows.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.dimension = r.dimension;
      const cells = [
        r.dimension,
        String(r.values),
        fmt(r.hhi, 4),
        fmt(r.effective, 2),
        `${r.nakamoto['1/3']} / ${r.nakamoto['1/2']} / ${r.nakamoto['2/3']}`,
        r.top.map((t) => `${t.value} ${(t.share * 100).toFixed(0)}%`).join(', '),
      ];
      for (const c of cells) {
        const td = document.createElement('td');
        td.textContent = c;
        tr.appendChild(td);
      }
      return tr;
    }),
  );
  $<HTMLTableSectionElement>('#models tbody').replaceChildren(
    ...state.models.map((m) => {
      const tr = document.createElement('tr');
      tr.dataset.model = m.model;
      tr.addEventListener('click', () => pickModel(m.model));
      for (const c of [m.model, String(m.warm), String(m.loading)]) {
        const td = document.createElement('td');
        td.textContent = c;
        tr.appendChild(td);
      }
      return tr;
    }),
  );
  fillWhatIfValues();
  fillModels();
}

function fillModels(): void {
  if (state === undefined) return;
  const select = $<HTMLSelectElement>('#model-pick');
  const none = document.createElement('option');
  none.value = '';
  none.textContent = 'no model highlighted';
  select.replaceChildren(
    none,
    ...state.models.map((m) => {
      const o = document.createElement('option');
      o.value = m.model;
      o.textContent = `${m.model} (${m.warm} warm)`;
      return o;
    }),
  );
  select.value = state.models.some((m) => m.model === highlight) ? highlight : '';
}

function pickModel(model: string): void {
  highlight = model;
  $<HTMLSelectElement>('#model-pick').value = model;
  restyle();
}

function restyle(): void {
  if (state === undefined) return;
  const palette = colours(state.nodes, colourBy);
  for (const n of state.nodes) {
    const c = marks.get(n.id);
    if (c !== undefined) styleMark(c, n, palette);
  }
  $<HTMLElement>('#lit').textContent =
    highlight === ''
      ? ''
      : `${document.querySelectorAll('circle.node.lit').length} nodes warm for ${highlight}`;
}

function fillWhatIfValues(): void {
  if (state === undefined) return;
  const dim = $<HTMLSelectElement>('#whatif-dim').value;
  const select = $<HTMLSelectElement>('#whatif-value');
  const current = select.value;
  const values = [
    ...new Set(state.nodes.map((n) => n.labels[dim]).filter((v): v is string => v !== undefined)),
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
  const res = await fetch(
    `/ui/api/whatif?dimension=${encodeURIComponent(dim)}&value=${encodeURIComponent(value)}`,
  );
  const body = (await res.json()) as WhatIf & { error?: { message: string } };
  if (!res.ok) {
    out.innerHTML = '';
    out.textContent = body.error?.message ?? `error ${res.status}`;
    return;
  }
  const lostSlots = body.capacity.reduce((s, r) => s + (r.before - r.after), 0);
  const totalSlots = state?.nodes.reduce((s, n) => s + n.slots, 0) ?? 0;
  out.replaceChildren();
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

async function loadState(): Promise<void> {
  const res = await fetch('/ui/api/state');
  state = (await res.json()) as State;
  drawNodes();
  drawPanels();
}

let pending: [string, Dyn][] | undefined;
function applyNodes(nodes: [string, Dyn][]): void {
  if (pending === undefined) requestAnimationFrame(flush);
  pending = nodes;
}
function flush(): void {
  const nodes = pending;
  pending = undefined;
  if (state === undefined || nodes === undefined) return;
  const byId = new Map(state.nodes.map((n) => [n.id, n]));
  for (const [id, dyn] of nodes) {
    const n = byId.get(id);
    if (n !== undefined) n.dyn = dyn;
  }
  restyle();
  const healthy = state.nodes.filter((n) => n.dyn.health !== 'unhealthy').length;
  $<HTMLElement>('#summary').textContent = `${state.nodes.length} nodes, ${healthy} healthy`;
}

function where(id: string): [number, number] | undefined {
  const n = state?.nodes.find((x) => x.id === id);
  return n === undefined ? undefined : [n.lon, n.lat];
}

function openReceipt(id: string): void {
  $<HTMLInputElement>('#receipt-id').value = id;
  void showReceipt($<HTMLElement>('#receipt'), id);
}

function connect(): void {
  const events = new EventSource('/ui/events');
  const live = $<HTMLElement>('#live');
  events.addEventListener('open', () => live.classList.remove('down'));
  events.addEventListener('error', () => live.classList.add('down'));
  events.addEventListener('structure', () => {
    void loadState();
  });
  events.addEventListener('arcs', (e) => {
    const { arcs } = JSON.parse((e as MessageEvent<string>).data) as { arcs: Arc[] };
    if (arcLayer !== undefined) drawArcs(arcLayer, path, projection, where, arcs, openReceipt);
  });
  events.addEventListener('nodes', (e) => {
    applyNodes((JSON.parse((e as MessageEvent<string>).data) as { nodes: [string, Dyn][] }).nodes);
  });
}

$<HTMLSelectElement>('#colour-by').addEventListener('change', (e) => {
  colourBy = (e.target as HTMLSelectElement).value;
  drawNodes();
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
window.addEventListener('resize', () => {
  drawBase();
  for (const c of marks.values()) c.remove();
  drawNodes();
});

drawBase();
void loadState().then(connect);
void loadOptionalPanels($<HTMLElement>('#optional'));
