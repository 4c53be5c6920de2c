import { chart } from './chart.js';
import { api } from './net.js';
import { row, table } from './panels.js';
import type { Demand } from './types.js';

/**
 * The demand panel, from `/ui/api/demand` (the coordinator's demand series with the forecast and growth
 * of `meridian demand`): per (region, model), the requests per bucket as a small chart followed by the
 * forecast and its 80% interval; and the growth ranking, most surely growing first.
 */
const signed = (x: number) => `${x >= 0 ? '+' : ''}${Math.round(x * 100)}%`;

export async function drawDemand(host: HTMLElement, bucketS: number): Promise<void> {
  const res = await api(`/ui/api/demand?bucket=${bucketS}&points=60`);
  if (!res.ok) {
    host.textContent = `demand: error ${res.status}`;
    return;
  }
  const d = (await res.json()) as Demand;
  if (d.series.length === 0) {
    host.textContent = 'no requests recorded yet';
    return;
  }
  const cards = d.series.map((s) => {
    const div = document.createElement('div');
    div.className = 'demand-series';
    div.dataset.place = s.place;
    div.dataset.model = s.model;
    const title = document.createElement('p');
    const next = s.forecast.mean[0];
    title.textContent = `${s.place} · ${s.model}: ${s.requests} requests, last ${s.recent.at(-1) ?? 0}, next ${next === undefined ? '—' : next.toFixed(1)} (${(s.forecast.lower[0] ?? 0).toFixed(1)}…${(s.forecast.upper[0] ?? 0).toFixed(1)})`;
    title.dataset.testid = 'demand-title';
    const n = s.recent.length;
    div.append(
      title,
      chart(
        [
          { values: s.recent, cls: 'observed' },
          { values: [s.recent.at(-1) ?? 0, ...s.forecast.mean], offset: n - 1, cls: 'forecast' },
        ],
        {
          width: 420,
          height: 46,
          length: n + s.forecast.mean.length,
          band: { lower: s.forecast.lower, upper: s.forecast.upper, offset: n },
          unit: (v) => `${v.toFixed(0)} / ${d.bucketMs / 60_000} min`,
        },
      ),
    );
    return div;
  });
  const growth = table(
    'growth',
    ['region', 'model', 'growth', '80% interval', 'confidence'],
    d.ranked.map((r) =>
      row(
        [
          r.place,
          r.model,
          `${signed(r.growth.rate)} per ${r.growth.per}`,
          `${signed(r.growth.low)}…${signed(r.growth.high)}`,
          `${Math.round(r.growth.confidence * 100)}%`,
        ],
        { place: r.place, model: r.model },
      ),
    ),
  );
  const caption = document.createElement('p');
  caption.className = 'hint';
  caption.textContent = `buckets of ${d.bucketMs / 60_000} min; forecast ${d.horizon} buckets ahead (shaded: 80% interval)`;
  host.replaceChildren(caption, ...cards, growth);
}
