import type { LatLon } from '../model/common.js';
import type { EstimateParams } from './params.js';

/** What the per-candidate estimate needs to know about a request, in dense form. */
export interface EstimateQuery {
  /** Dense model index. */
  model: number;
  /** Dense metro index of the client, or -1 (then RTTs come from `client` and the metro centres). */
  clientMetro: number;
  client: LatLon;
  inputTokens: number;
  outputTokens: number;
  /** Execution cost multiplier of the modes the request runs in (TEE, zkML), 1 for vanilla. */
  costFactor: number;
  /** Dense dataset index, or -1. */
  dataset: number;
  params: EstimateParams;
}
