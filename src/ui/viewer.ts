import type { Access } from '../server/access.js';
import { visibleReceipt } from '../server/receipt-access.js';
import { arcOf, type UiArc } from './arcs.js';
import type { UiTrust, UiView } from './snapshot.js';

/**
 * What one dashboard reader may see, from the key it sent (`Authorization: Bearer …`, the same keys and
 * rules as `/v1/nodes` and `/v1/receipts/:id`; see docs/security.md). Nobody is sent an endpoint. Node
 * coordinates are exact for the admin and the node's operator, rounded to 0.1° for the rest. A request arc
 * is drawn from a receipt only as the reader could read that receipt: whole for the admin and the client
 * who made it, from the centre of the client's metro (the nearest catalog metro when the receipt names
 * none) for a receipt made without a key, not at all for another client's.
 */
export interface UiViewer extends UiView {
  readonly role: Access['role'];
  readonly refused?: string;
  arc(id: string, receipt: unknown): UiArc | undefined;
}

export function uiViewer(access: Access, trustOf?: (id: string) => UiTrust | undefined): UiViewer {
  return {
    role: access.role,
    ...(access.role === 'anonymous' && access.refused !== undefined ? { refused: access.refused } : {}),
    exact: (operator) =>
      access.role === 'admin' || (access.role === 'operator' && access.operator === operator),
    ...(trustOf === undefined ? {} : { trustOf }),
    arc(id, receipt) {
      const visible = visibleReceipt(access, receipt);
      if (visible === undefined) return undefined;
      // The same object back means the reader may see it whole; a redacted copy means metro only.
      return arcOf(id, receipt, visible === receipt);
    },
  };
}
