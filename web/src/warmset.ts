import { api } from './net.js';
import { row, table } from './panels.js';

/**
 * The warm-set controller's recent actions (`GET /v1/warmset/actions`), shown when the coordinator serves
 * them: the panel stays hidden while the endpoint answers 404, and says which key it needs on 401 / 403.
 */
interface Action {
  /** When the controller decided it (`createdAt` in the store's record). */
  createdAt?: number;
  at?: number;
  /** What became of it (sent, done, failed, …), when the coordinator tracks it. */
  status?: string;
  kind: string;
  node: string;
  model: string;
  reason?: string;
  gainMs?: number;
  costMs?: number;
}

export async function drawWarmset(section: HTMLElement, body: HTMLElement): Promise<void> {
  let res: Response;
  try {
    res = await api('/v1/warmset/actions');
  } catch {
    return;
  }
  section.hidden = res.status === 404;
  if (res.status === 404) return;
  if (!res.ok) {
    body.textContent =
      res.status === 401 || res.status === 403
        ? 'the warm-set actions need an operator or admin key'
        : `error ${res.status}`;
    return;
  }
  const json = (await res.json()) as Action[] | { actions: Action[] };
  // Newest first: by time when every action has one, else the last listed first.
  const when = (a: Action) => a.createdAt ?? a.at;
  const all = [...(Array.isArray(json) ? json : json.actions)];
  const actions = (
    all.every((a) => when(a) !== undefined) ? all.sort((a, b) => when(b)! - when(a)!) : all.reverse()
  ).slice(0, 20);
  const rows = actions.map((a) =>
    row(
      [
        when(a) === undefined ? '' : new Date(when(a)!).toISOString().slice(11, 19),
        a.kind,
        a.model,
        a.node,
        a.status ?? '',
        a.reason ?? '',
      ],
      { kind: a.kind, node: a.node, model: a.model },
    ),
  );
  body.replaceChildren(
    actions.length === 0
      ? document.createTextNode('no actions yet')
      : table('warmset-actions', ['when', 'action', 'model', 'node', 'status', 'why'], rows),
  );
}
