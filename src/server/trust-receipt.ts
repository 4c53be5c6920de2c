import type { TrustMark } from '../trust/ledger.js';
import type { GatewayDecision } from './decide.js';
import type { LiveTrust } from './live-trust.js';

/** One chosen node's trust as a receipt records it, at the decision. */
export interface ReliedTrust extends TrustMark {
  node: string;
}

/**
 * The receipt's `trust` field: the trust mark (score, standing, the claims it was caught contradicting)
 * of the primary, then each fallback, as the coordinator's ledger holds them when the receipt is recorded
 * (for the gateway, once the answer is out: the checks of this very answer included). Undefined when the
 * coordinator keeps no trust ledger or nothing was chosen.
 */
export function trustRelied(
  trust: LiveTrust | undefined,
  decision: Pick<GatewayDecision, 'primary' | 'fallbacks'>,
): ReliedTrust[] | undefined {
  if (trust === undefined || decision.primary === undefined) return undefined;
  const out: ReliedTrust[] = [relied(trust, decision.primary)];
  for (const node of decision.fallbacks) out.push(relied(trust, node));
  return out;
}

function relied(trust: LiveTrust, node: string): ReliedTrust {
  return { node, ...trust.mark(node) };
}
