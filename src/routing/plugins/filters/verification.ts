/**
 * verification — keeps nodes that can execute in every mode the request needs (TEE when it asks for
 * `tee` or `requireTee`, zkML for `zkml`).
 * Reads: node.verification (as mode bits; in the coordinator a node has `tee` only while its attestation
 * holds, src/trust/attestation/standing.ts). Parameters: none.
 */
import { z } from 'zod';
import { definePlugin } from '../../registry.js';

export const verification = definePlugin({
  kind: 'filter',
  type: 'verification',
  summary: 'keeps nodes able to execute in the verification mode the request needs (TEE, zkML)',
  params: z.object({}).strict(),
  create: () => ({
    reason: 'verification mode unsupported',
    filter(view, q, candidates, count) {
      const need = q.needModes;
      if (need === 0) return count;
      const modes = view.topology.modeBits;
      let kept = 0;
      for (let k = 0; k < count; k++) {
        const i = candidates[k]!;
        if ((modes[i]! & need) === need) candidates[kept++] = i;
      }
      return kept;
    },
  }),
});
