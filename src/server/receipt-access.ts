import type { Access } from './access.js';

/**
 * What a caller may read of a stored receipt. A receipt made under a client key (`owner`) is that
 * client's: only the key and the admin read it; anyone else is told there is no such receipt (as for
 * an unknown id, so ids cannot be probed). A receipt made without a key is readable by whoever has the
 * id, without the client's coordinates (its metro stays): the admin reads them whole.
 */
export function visibleReceipt(access: Access, receipt: unknown): unknown | undefined {
  const r = receipt as {
    owner?: string;
    request?: { client?: Coords };
    decision?: { receipt?: { client?: Coords } };
  };
  if (access.role === 'admin') return receipt;
  if (r.owner !== undefined)
    return access.role === 'client' && access.client === r.owner ? receipt : undefined;
  return redacted(r);
}

interface Coords {
  lat?: number;
  lon?: number;
  metro?: string;
}

function redacted(r: {
  request?: { client?: Coords };
  decision?: { receipt?: { client?: Coords } };
}): unknown {
  const place = (c: Coords | undefined) => (c?.metro === undefined ? {} : { metro: c.metro });
  const out = { ...r } as Record<string, unknown>;
  if (r.request !== undefined) out.request = { ...r.request, client: place(r.request.client) };
  if (r.decision?.receipt !== undefined)
    out.decision = {
      ...r.decision,
      receipt: { ...r.decision.receipt, client: place(r.decision.receipt.client) },
    };
  return out;
}
