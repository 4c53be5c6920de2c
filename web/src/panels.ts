import { chart } from './chart.js';
import type { State } from './types.js';

/**
 * The side panels drawn from `/ui/api/state`: concentration per dimension, warm replicas per model,
 * and the prediction error and trust over time (each hidden until the coordinator has a point of it).
 * Every number is printed as the API returns it, rounded only for display.
 */
const $ = <T extends Element>(sel: string) => document.querySelector(sel) as T;
export const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '∞');
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(0)}%`);

export function row(cells: readonly string[], data: Record<string, string> = {}): HTMLTableRowElement {
  const tr = document.createElement('tr');
  Object.assign(tr.dataset, data);
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = c;
    tr.appendChild(td);
  }
  return tr;
}

/** A table with a header row and body rows, named `testid` for tests. */
export function table(
  testid: string,
  head: readonly string[],
  rows: readonly HTMLTableRowElement[],
): HTMLTableElement {
  const t = document.createElement('table');
  t.dataset.testid = testid;
  const thead = document.createElement('thead');
  thead.append(row(head));
  const tbody = document.createElement('tbody');
  tbody.append(...rows);
  t.append(thead, tbody);
  return t;
}

export function drawConcentration(state: State): void {
  $<HTMLElement>('#weighting').textContent = `weighted by ${state.concentration.weighting}`;
  $<HTMLTableSectionElement>('#concentration tbody').replaceChildren(
    ...state.concentration.rows.map((r) =>
      row(
        [
          r.dimension,
          String(r.values),
          fmt(r.hhi, 4),
          fmt(r.effective, 2),
          `${r.nakamoto['1/3']} / ${r.nakamoto['1/2']} / ${r.nakamoto['2/3']}`,
          r.top.map((t) => `${t.value} ${(t.share * 100).toFixed(0)}%`).join(', '),
        ],
        { dimension: r.dimension },
      ),
    ),
  );
}

export function drawModels(state: State, pick: (model: string) => void, highlight: string): void {
  $<HTMLTableSectionElement>('#models tbody').replaceChildren(
    ...state.models.map((m) => {
      const tr = row([m.model, String(m.warm), String(m.loading)], { model: m.model });
      tr.addEventListener('click', () => pick(m.model));
      return tr;
    }),
  );
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

/**
 * Prediction error (median and p90 of each period that saw requests, in order) and trust (quarantined
 * nodes, mean score per period) over time.
 */
export function drawHistory(state: State): void {
  const errors = state.history.predictionError;
  const withData = errors.filter((p) => p.requests > 0);
  const pe = $<HTMLElement>('[data-testid=panel-prediction-error]');
  pe.hidden = withData.length === 0;
  if (withData.length > 0) {
    const last = withData.at(-1)!;
    $<HTMLElement>('#prediction-error-last').textContent =
      `last period: ${last.requests} request${last.requests === 1 ? '' : 's'}, median ${pct(last.p50)}, p90 ${pct(last.p90)}, mean ${pct(last.mean)}`;
    $<HTMLElement>('#prediction-error-chart').replaceChildren(
      chart(
        [
          { values: withData.map((p) => p.p90), cls: 'p90' },
          { values: withData.map((p) => p.p50), cls: 'p50' },
        ],
        { width: 420, height: 70, length: withData.length, unit: (v) => pct(v) },
      ),
    );
  }
  const trust = state.history.trust;
  const tp = $<HTMLElement>('[data-testid=panel-trust]');
  tp.hidden = trust.length === 0;
  if (trust.length > 0) {
    const last = trust.at(-1)!;
    $<HTMLElement>('#trust-last').textContent =
      `${last.quarantined} of ${last.nodes} nodes quarantined, mean score ${fmt(last.meanScore, 2)}`;
    $<HTMLElement>('#trust-chart').replaceChildren(
      chart([{ values: trust.map((p) => p.quarantined), cls: 'p90' }], {
        width: 420,
        height: 50,
        length: trust.length,
        unit: (v) => `${Math.round(v)} quarantined`,
      }),
      chart([{ values: trust.map((p) => p.meanScore), cls: 'p50' }], {
        width: 420,
        height: 50,
        length: trust.length,
        unit: (v) => `score ${fmt(v, 2)}`,
      }),
    );
  }
}
