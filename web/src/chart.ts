/**
 * Small line charts (SVG, a few elements each) for the side panels: lines of values at consecutive
 * positions, gaps where a value is null, an optional shaded band (a forecast interval), the y axis from 0
 * to the largest value shown, labelled with that value.
 */
const SVG = 'http://www.w3.org/2000/svg';

export interface Line {
  values: readonly (number | null)[];
  /** Position of values[0] on the x axis (default 0). */
  offset?: number;
  cls: string;
}

export interface Band {
  lower: readonly number[];
  upper: readonly number[];
  offset: number;
}

export function chart(
  lines: readonly Line[],
  opts: { width: number; height: number; length: number; band?: Band; unit?: (v: number) => string },
): SVGSVGElement {
  const { width, height } = opts;
  const all = [...lines.flatMap((l) => l.values), ...(opts.band?.upper ?? [])].filter(
    (v): v is number => v !== null && Number.isFinite(v),
  );
  const max = Math.max(1e-9, ...all);
  const x = (k: number) => (opts.length <= 1 ? 0 : (k / (opts.length - 1)) * (width - 2)) + 1;
  const y = (v: number) => height - 2 - (Math.max(v, 0) / max) * (height - 12);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  const add = (tag: string, attrs: Record<string, string>) => {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    svg.appendChild(el);
    return el;
  };
  const b = opts.band;
  if (b !== undefined && b.upper.length > 0) {
    const up = b.upper.map((v, k) => `${x(b.offset + k).toFixed(1)},${y(v).toFixed(1)}`);
    const down = b.lower.map((v, k) => `${x(b.offset + k).toFixed(1)},${y(v).toFixed(1)}`).reverse();
    add('polygon', { class: 'band', points: [...up, ...down].join(' ') });
  }
  for (const l of lines) {
    let d = '';
    let pen = false;
    l.values.forEach((v, k) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x((l.offset ?? 0) + k).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    if (d !== '') add('path', { class: l.cls, d });
    // A lone value has no segment to draw: a dot shows it.
    const known = l.values.flatMap((v, k) => (v === null || !Number.isFinite(v) ? [] : [[k, v] as const]));
    if (known.length === 1) {
      const [k, v] = known[0]!;
      add('circle', { class: l.cls, cx: x((l.offset ?? 0) + k).toFixed(1), cy: y(v).toFixed(1), r: '2' });
    }
  }
  const label = add('text', { x: '2', y: '9', class: 'axis' });
  label.textContent = (opts.unit ?? ((v: number) => v.toPrecision(3)))(max);
  return svg;
}
