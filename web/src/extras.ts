/**
 * Panels that appear only when the coordinator serves their API: demand and forecast with the growth
 * ranking, prediction error of the learned estimates, and trust. Each is probed once; a 404 (API not in
 * this build) keeps its section hidden, so the page never shows numbers the coordinator did not give.
 * The body is shown as the API returns it until a dedicated view exists.
 */
export const OPTIONAL_PANELS: readonly { id: string; title: string; url: string }[] = [
  { id: 'demand', title: 'Demand and growth', url: '/v1/demand' },
  { id: 'prediction-error', title: 'Prediction error', url: '/v1/prediction-error' },
  { id: 'trust', title: 'Trust', url: '/v1/trust' },
];

export async function loadOptionalPanels(host: HTMLElement): Promise<void> {
  for (const panel of OPTIONAL_PANELS) {
    let res: Response;
    try {
      res = await fetch(panel.url);
    } catch {
      continue;
    }
    if (!res.ok) continue;
    const section = document.createElement('section');
    section.dataset.testid = `panel-${panel.id}`;
    const h = document.createElement('h2');
    h.textContent = panel.title;
    const pre = document.createElement('pre');
    pre.className = 'raw';
    pre.textContent = JSON.stringify(await res.json(), null, 1).slice(0, 4000);
    section.append(h, pre);
    host.appendChild(section);
  }
}
