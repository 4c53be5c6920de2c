import type { GeoProjection } from 'd3-geo';
import type { Dyn, UiNode } from './types.js';

/**
 * The nodes on the map, drawn on a canvas over the base map: one path per colour and one per mark, so
 * 5,000 nodes cost a few fills and strokes per frame, not 5,000 DOM elements to lay out. Beside it, a
 * hidden index keeps one element per node carrying `data-node-id` and its marks as attributes
 * (`data-health`, `data-breaker`, `data-cold`, `data-trust`, `data-lit`, `data-load`): what tests and
 * assistive tools read. Hidden elements are never laid out or painted, and only the nodes that changed
 * are touched. Marks: sized by load; faded when stale; a red ring and no fill when unhealthy; a dashed
 * white ring when cold (an inference node with nothing warm); an orange ring behind an open breaker; a
 * magenta cross when quarantined; a white ring when warm for the highlighted model (others dimmed).
 */
export const PALETTE = [
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
const OTHER = '#777';

export function labelOf(n: UiNode, dim: string): string {
  if (dim === 'role') return n.roles.join('+');
  return n.labels[dim] ?? 'unknown';
}

/** Colour per value of `dim`, the most frequent value first. */
export function colours(nodes: readonly UiNode[], dim: string): Map<string, string> {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(labelOf(n, dim), (counts.get(labelOf(n, dim)) ?? 0) + 1);
  const ordered = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return new Map(ordered.map(([v], k) => [v, k < PALETTE.length ? PALETTE[k]! : OTHER]));
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export const isCold = (n: UiNode) => n.roles.includes('inference') && n.dyn.warm.length === 0;
const isLit = (n: UiNode, model: string) =>
  model !== '' && n.dyn.warm.includes(model) && n.dyn.health !== 'unhealthy';

export function radius(d: Dyn): number {
  return 2.5 + 5 * Math.sqrt(Math.min(Math.max(d.load, 0), 4));
}

export class NodeLayer {
  nodes: UiNode[] = [];
  private byId = new Map<string, UiNode>();
  private xy = new Float32Array(0);
  private marks = new Map<string, HTMLElement>();
  private palette = new Map<string, string>();
  colourBy = 'provider';
  highlight = '';
  /** Time the last full draw took, ms. */
  lastDrawMs = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly index: HTMLElement,
  ) {}

  /** Replaces every node (a `snapshot` event); the index is rebuilt in one pass of markup. */
  setAll(nodes: UiNode[], projection: GeoProjection): void {
    this.nodes = nodes;
    this.byId = new Map(nodes.map((n) => [n.id, n]));
    this.palette = colours(nodes, this.colourBy);
    this.project(projection);
    this.index.innerHTML = nodes.map((n) => `<i class="node" ${this.attrs(n)}></i>`).join('');
    this.marks = new Map();
    for (const el of this.index.children)
      this.marks.set((el as HTMLElement).dataset.nodeId!, el as HTMLElement);
  }

  /** Applies the changed parts of some nodes (a `nodes` event); unknown ids are ignored. */
  update(changed: readonly [string, Dyn][]): void {
    for (const [id, dyn] of changed) {
      const n = this.byId.get(id);
      if (n === undefined) continue;
      n.dyn = dyn;
      const el = this.marks.get(id);
      if (el !== undefined) this.mark(el, n);
    }
  }

  get(id: string): UiNode | undefined {
    return this.byId.get(id);
  }

  recolour(dim: string): Map<string, string> {
    this.colourBy = dim;
    this.palette = colours(this.nodes, dim);
    return this.palette;
  }

  get colourMap(): Map<string, string> {
    return this.palette;
  }

  setHighlight(model: string): number {
    this.highlight = model;
    let lit = 0;
    for (const n of this.nodes) {
      const el = this.marks.get(n.id);
      if (el !== undefined) this.mark(el, n);
      if (isLit(n, model)) lit++;
    }
    return lit;
  }

  project(projection: GeoProjection): void {
    this.xy = new Float32Array(this.nodes.length * 2);
    this.nodes.forEach((n, k) => {
      const [x, y] = projection([n.lon, n.lat]) ?? [-100, -100];
      this.xy[2 * k] = x;
      this.xy[2 * k + 1] = y;
    });
  }

  /** A node's marks as attribute name → value (absent: undefined). */
  private marksOf(n: UiNode): Record<string, string | undefined> {
    const trust = n.dyn.trust;
    return {
      'data-health': n.dyn.health,
      'data-breaker': n.dyn.breaker,
      'data-load': n.dyn.load.toFixed(3),
      'data-cold': isCold(n) ? '' : undefined,
      'data-trust': trust === undefined ? undefined : trust.quarantined ? 'quarantined' : 'ok',
      'data-lit': this.highlight !== '' && isLit(n, this.highlight) ? '' : undefined,
    };
  }

  private attrs(n: UiNode): string {
    const out = [`data-node-id="${escapeHtml(n.id)}"`];
    for (const [k, v] of Object.entries(this.marksOf(n)))
      if (v !== undefined) out.push(`${k}="${escapeHtml(v)}"`);
    return out.join(' ');
  }

  private mark(el: HTMLElement, n: UiNode): void {
    for (const [k, v] of Object.entries(this.marksOf(n))) {
      if (v === undefined) el.removeAttribute(k);
      else if (el.getAttribute(k) !== v) el.setAttribute(k, v);
    }
  }

  /** Redraws every node: one fill per (colour, opacity), one stroke per mark. */
  draw(): void {
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const { width, height } = this.canvas.getBoundingClientRect();
    if (this.canvas.width !== Math.round(width * dpr)) this.canvas.width = Math.round(width * dpr);
    if (this.canvas.height !== Math.round(height * dpr)) this.canvas.height = Math.round(height * dpr);
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const fills = new Map<string, Path2D>();
    const rings = { cold: new Path2D(), unhealthy: new Path2D(), breaker: new Path2D(), lit: new Path2D() };
    const crosses = new Path2D();
    const circle = (p: Path2D, x: number, y: number, r: number) => {
      p.moveTo(x + r, y);
      p.arc(x, y, r, 0, 2 * Math.PI);
    };
    this.nodes.forEach((n, k) => {
      const x = this.xy[2 * k]!;
      const y = this.xy[2 * k + 1]!;
      const r = radius(n.dyn);
      const dim = this.highlight !== '' && !isLit(n, this.highlight);
      const alpha = dim ? 0.25 : n.dyn.health === 'stale' ? 0.55 : 1;
      if (n.dyn.health === 'unhealthy') circle(rings.unhealthy, x, y, r);
      else {
        const key = `${this.palette.get(labelOf(n, this.colourBy)) ?? OTHER}|${alpha}`;
        let p = fills.get(key);
        if (p === undefined) fills.set(key, (p = new Path2D()));
        circle(p, x, y, r);
      }
      if (isCold(n)) circle(rings.cold, x, y, r + 1);
      if (n.dyn.breaker === 'open') circle(rings.breaker, x, y, r + 2);
      if (!dim && this.highlight !== '') circle(rings.lit, x, y, r + 1.5);
      if (n.dyn.trust?.quarantined === true) {
        const s = r + 2;
        crosses.moveTo(x - s, y - s);
        crosses.lineTo(x + s, y + s);
        crosses.moveTo(x + s, y - s);
        crosses.lineTo(x - s, y + s);
      }
    });
    for (const [key, p] of fills) {
      const [colour, alpha] = key.split('|');
      ctx.globalAlpha = Number(alpha);
      ctx.fillStyle = colour!;
      ctx.fill(p);
    }
    ctx.globalAlpha = 1;
    const stroke = (p: Path2D, colour: string, width: number, dash: number[] = []) => {
      ctx.setLineDash(dash);
      ctx.strokeStyle = colour;
      ctx.lineWidth = width;
      ctx.stroke(p);
    };
    stroke(rings.unhealthy, '#f44', 1.5);
    stroke(rings.cold, '#fff', 1, [2, 1.5]);
    stroke(rings.breaker, '#f90', 2);
    stroke(rings.lit, '#fff', 2);
    stroke(crosses, '#ff3df5', 2);
    this.lastDrawMs = performance.now() - t0;
    this.canvas.dataset.drawn = String(this.nodes.length);
    this.canvas.dataset.drawMs = this.lastDrawMs.toFixed(1);
    // Time since the page was opened when every node was first on the map (measured by bench:ui).
    if (this.nodes.length > 0) this.canvas.dataset.firstDrawnAt ??= performance.now().toFixed(0);
  }

  /** The node whose mark is under (x, y) in CSS pixels, the nearest when several are. */
  at(x: number, y: number): UiNode | undefined {
    let best: UiNode | undefined;
    let bestD = Infinity;
    this.nodes.forEach((n, k) => {
      const dx = this.xy[2 * k]! - x;
      const dy = this.xy[2 * k + 1]! - y;
      const d = dx * dx + dy * dy;
      const r = radius(n.dyn) + 2;
      if (d <= r * r && d < bestD) {
        bestD = d;
        best = n;
      }
    });
    return best;
  }
}
