/** Small inline-SVG chart builders for the offline HTML report. Pure string functions, no dependencies. */

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
  dashed?: boolean;
  /** Stroke width (default 2). */
  width?: number;
}

/** A shaded time span on a line chart (an outage or a burst), in x-axis units. */
export interface Band {
  kind: 'outage' | 'burst';
  from: number;
  to: number;
  label: string;
}

const BAND_FILL: Record<Band['kind'], string> = { outage: '#555555', burst: '#e6a800' };

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const FRAME: Frame = { width: 720, height: 320, left: 64, right: 150, top: 16, bottom: 44 };

function num(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

/** "Nice" tick values covering [lo, hi] on a linear axis. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++)
    out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** Powers of ten covering [lo, hi] (lo > 0). */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

function tickLabel(v: number): string {
  if (v >= 1000) return `${v / 1000}k`.replace('000k', 'M');
  return String(Math.round(v * 1000) / 1000);
}

function legend(series: readonly { name: string; color: string; dashed?: boolean }[], f: Frame): string {
  return series
    .map((s, i) => {
      const y = f.top + 10 + i * 18;
      const x = f.width - f.right + 14;
      const dash = s.dashed ? ' stroke-dasharray="5,3"' : '';
      return `<g class="legend" data-series="${esc(s.name)}"><line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${s.color}" stroke-width="2.5"${dash}/><text x="${x + 24}" y="${y + 4}" font-size="12">${esc(s.name)}</text></g>`;
    })
    .join('');
}

function axes(
  f: Frame,
  xTicks: number[],
  yTicks: number[],
  sx: (x: number) => number,
  sy: (y: number) => number,
  xLabel: string,
  yLabel: string,
  yFormat: (v: number) => string,
): string {
  const x0 = f.left;
  const x1 = f.width - f.right;
  const y0 = f.height - f.bottom;
  const y1 = f.top;
  const parts: string[] = [];
  for (const t of yTicks) {
    const y = num(sy(t));
    parts.push(`<line x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="${x0 - 6}" y="${y}" font-size="11" text-anchor="end" dominant-baseline="middle">${esc(yFormat(t))}</text>`,
    );
  }
  for (const t of xTicks) {
    const x = num(sx(t));
    parts.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y1}" stroke="#f0f0f0"/>`);
    parts.push(
      `<text x="${x}" y="${y0 + 16}" font-size="11" text-anchor="middle">${esc(tickLabel(t))}</text>`,
    );
  }
  parts.push(`<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" stroke="#333"/>`);
  parts.push(`<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y1}" stroke="#333"/>`);
  parts.push(
    `<text x="${(x0 + x1) / 2}" y="${f.height - 8}" font-size="12" text-anchor="middle">${esc(xLabel)}</text>`,
  );
  parts.push(
    `<text x="14" y="${(y0 + y1) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(y0 + y1) / 2})">${esc(yLabel)}</text>`,
  );
  return parts.join('');
}

function svg(f: Frame, body: string, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${esc(title)}" font-family="system-ui, sans-serif">${body}</svg>`;
}

/**
 * A line chart; series are drawn in the order given (the last on top). `xLog` draws the x axis in powers of
 * ten (non-positive x are dropped); `yLog` the y axis (non-positive y sit on the axis floor). `bands` shade
 * time spans behind the lines and name them.
 */
export function lineChart(opts: {
  title: string;
  series: readonly Series[];
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  bands?: readonly Band[];
  yMin?: number;
  yMax?: number;
  yFormat?: (v: number) => string;
}): string {
  const f = FRAME;
  const pts = opts.series
    .flatMap((s) => s.points)
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!opts.xLog || x > 0));
  if (pts.length === 0)
    return svg(
      f,
      `<text x="${f.width / 2}" y="${f.height / 2}" text-anchor="middle">no data</text>`,
      opts.title,
    );
  let xMin = Math.min(...pts.map((p) => p[0]));
  let xMax = Math.max(...pts.map((p) => p[0]));
  const ys = pts.map((p) => p[1]);
  const positive = ys.filter((y) => y > 0);
  const yLog = opts.yLog === true && positive.length > 0;
  let yMin = yLog ? 0 : (opts.yMin ?? Math.min(0, ...ys));
  let yMax = opts.yMax ?? Math.max(...ys);
  if (!(yMax > yMin)) yMax = yMin + 1;
  let xTicks: number[];
  let tx: (x: number) => number;
  if (opts.xLog) {
    xTicks = logTicks(xMin, xMax);
    xMin = xTicks[0]!;
    xMax = xTicks[xTicks.length - 1]!;
    if (xMax <= xMin) xMax = xMin * 10;
    tx = (x) => (Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin));
  } else {
    if (!(xMax > xMin)) xMax = xMin + 1;
    xTicks = linearTicks(xMin, xMax);
    tx = (x) => (x - xMin) / (xMax - xMin);
  }
  let yTicks: number[];
  let ty: (y: number) => number;
  if (yLog) {
    yTicks = logTicks(Math.min(...positive), Math.max(...positive));
    yMin = yTicks[0]!;
    yMax = yTicks[yTicks.length - 1]!;
    if (yMax <= yMin) yMax = yMin * 10;
    ty = (y) =>
      y > 0 ? Math.max(0, Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin)) : 0;
  } else {
    yTicks = linearTicks(yMin, yMax);
    ty = (y) => (y - yMin) / (yMax - yMin);
  }
  const sx = (x: number) => f.left + tx(x) * (f.width - f.left - f.right);
  const sy = (y: number) => f.height - f.bottom - ty(y) * (f.height - f.top - f.bottom);
  const lines = opts.series
    .map((s) => {
      const d = s.points
        .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!opts.xLog || x > 0))
        .map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(sx(x))},${num(sy(y))}`)
        .join('');
      const dash = s.dashed ? ' stroke-dasharray="5,3"' : '';
      return d
        ? `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2}"${dash} data-series="${esc(s.name)}"/>`
        : '';
    })
    .join('');
  const bands = (opts.bands ?? []).map((b) => band(b, f, sx, xMin, xMax)).join('');
  const body =
    axes(f, xTicks, yTicks, sx, sy, opts.xLabel, opts.yLabel, opts.yFormat ?? tickLabel) +
    bands +
    lines +
    legend(opts.series, f);
  return svg(f, body, opts.title);
}

/** A shaded span clipped to the x range, labelled at the top; nothing when it lies outside the range. */
function band(b: Band, f: Frame, sx: (x: number) => number, xMin: number, xMax: number): string {
  const from = Math.max(b.from, xMin);
  const to = Math.min(b.to, xMax);
  if (!(to > from)) return '';
  const x0 = sx(from);
  const w = Math.max(1, sx(to) - x0);
  const h = f.height - f.top - f.bottom;
  return `<g class="event ${b.kind}"><rect x="${num(x0)}" y="${f.top}" width="${num(w)}" height="${h}" fill="${BAND_FILL[b.kind]}" fill-opacity="0.15"><title>${esc(b.label)}</title></rect><text x="${num(x0 + 3)}" y="${f.top + 12}" font-size="11" fill="#333">${esc(b.label)}</text></g>`;
}

/** Grouped vertical bars: one group per category, one bar per series. */
export function groupedBars(opts: {
  title: string;
  categories: readonly string[];
  series: ReadonlyArray<{ name: string; color: string; values: ReadonlyArray<number | null> }>;
  yLabel: string;
  /** Powers of ten on the y axis (bars start at the lowest one). */
  yLog?: boolean;
}): string {
  const f = { ...FRAME, bottom: 70 };
  const vals = opts.series
    .flatMap((s) => s.values)
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const positive = vals.filter((v) => v > 0);
  const yLog = opts.yLog === true && positive.length > 0;
  const yMax = Math.max(1, ...vals);
  const yTicks = yLog ? logTicks(Math.min(...positive), Math.max(...positive)) : linearTicks(0, yMax);
  const top = Math.max(yTicks[yTicks.length - 1]!, yMax);
  const floor = yLog ? yTicks[0]! : 0;
  const plotW = f.width - f.left - f.right;
  const plotH = f.height - f.top - f.bottom;
  const groupW = plotW / Math.max(1, opts.categories.length);
  const barW = (groupW * 0.8) / Math.max(1, opts.series.length);
  const share = (y: number) =>
    yLog ? (y > floor ? Math.log10(y / floor) / Math.log10(top / floor) : 0) : y / top;
  const sy = (y: number) => f.height - f.bottom - share(y) * plotH;
  const parts: string[] = [];
  for (const t of yTicks) {
    const y = num(sy(t));
    parts.push(`<line x1="${f.left}" y1="${y}" x2="${f.width - f.right}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="${f.left - 6}" y="${y}" font-size="11" text-anchor="end" dominant-baseline="middle">${esc(tickLabel(t))}</text>`,
    );
  }
  opts.categories.forEach((c, ci) => {
    const gx = f.left + ci * groupW + groupW * 0.1;
    opts.series.forEach((s, si) => {
      const v = s.values[ci];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      const y = sy(v);
      parts.push(
        `<rect x="${num(gx + si * barW)}" y="${num(y)}" width="${num(Math.max(1, barW - 1))}" height="${num(f.height - f.bottom - y)}" fill="${s.color}" data-series="${esc(s.name)}"><title>${esc(`${s.name}, ${c}: ${Math.round(v)}`)}</title></rect>`,
      );
    });
    const lx = gx + groupW * 0.4;
    const ly = f.height - f.bottom + 12;
    parts.push(
      `<text x="${num(lx)}" y="${ly}" font-size="11" text-anchor="end" transform="rotate(-30 ${num(lx)} ${ly})">${esc(c)}</text>`,
    );
  });
  parts.push(
    `<line x1="${f.left}" y1="${f.height - f.bottom}" x2="${f.width - f.right}" y2="${f.height - f.bottom}" stroke="#333"/>`,
  );
  parts.push(
    `<text x="14" y="${(f.top + f.height - f.bottom) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(f.top + f.height - f.bottom) / 2})">${esc(opts.yLabel)}</text>`,
  );
  parts.push(legend(opts.series, f));
  return svg(f, parts.join(''), opts.title);
}

/** Horizontal 100% stacked bars: one bar per row, one segment per part (shares in [0, 1]). */
export function stackedShares(opts: {
  title: string;
  rows: ReadonlyArray<{ name: string; shares: readonly number[] }>;
  parts: ReadonlyArray<{ name: string; color: string }>;
}): string {
  const rowH = 28;
  const f = {
    ...FRAME,
    left: 110,
    height: Math.max(40 + opts.rows.length * rowH + 30, 30 + opts.parts.length * 18),
    bottom: 30,
  };
  const plotW = f.width - f.left - f.right;
  const out: string[] = [];
  opts.rows.forEach((row, ri) => {
    const y = f.top + ri * rowH;
    out.push(
      `<text x="${f.left - 6}" y="${y + rowH / 2}" font-size="12" text-anchor="end" dominant-baseline="middle">${esc(row.name)}</text>`,
    );
    let x = f.left;
    row.shares.forEach((s, pi) => {
      const w = Math.max(0, s) * plotW;
      const part = opts.parts[pi];
      if (w <= 0 || !part) return;
      out.push(
        `<rect x="${num(x)}" y="${y + 3}" width="${num(w)}" height="${rowH - 6}" fill="${part.color}"><title>${esc(`${row.name}, ${part.name}: ${(s * 100).toFixed(1)}%`)}</title></rect>`,
      );
      x += w;
    });
  });
  const y0 = f.top + opts.rows.length * rowH + 4;
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(
      `<text x="${num(f.left + t * plotW)}" y="${y0 + 12}" font-size="11" text-anchor="middle">${t * 100}%</text>`,
    );
  }
  out.push(legend(opts.parts, f));
  return svg(f, out.join(''), opts.title);
}
