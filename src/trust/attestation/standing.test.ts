import { describe, expect, it } from 'vitest';
import type { AttestationRecord } from '../../store/registry-store.js';
import { attestationHolds, attestationStatus, attestedModes } from './standing.js';

const A: AttestationRecord = {
  kind: 'aws-nitro',
  module: 'enc-1',
  verifiedAt: 1_000,
  expiresAt: 601_000,
  measurements: { PCR0: 'aa' },
};

describe('a node TEE standing', () => {
  it.each([
    ['no attestation', undefined, 0, false],
    ['1 ms before expiry', A, 600_999, true],
    ['at expiry exactly', A, 601_000, false],
    ['1 s after expiry', A, 602_000, false],
  ] as const)('%s: holds is %s', (_what, a, now, holds) => {
    expect(attestationHolds(a, now)).toBe(holds);
  });

  it('keeps tee among the declared modes only while the attestation holds, and never adds it', () => {
    expect(attestedModes(['vanilla', 'tee'], A, 600_999)).toEqual(['vanilla', 'tee']);
    expect(attestedModes(['vanilla', 'tee'], A, 601_000)).toEqual(['vanilla']);
    expect(attestedModes(['vanilla', 'tee'], undefined, 0)).toEqual(['vanilla']);
    expect(attestedModes(['vanilla'], A, 0)).toEqual(['vanilla']);
    expect(attestedModes(['tee'], undefined, 0)).toEqual([]);
  });

  it('shows none, valid or expired with ISO times', () => {
    expect(attestationStatus(undefined, 0)).toEqual({ status: 'none' });
    expect(attestationStatus(A, 0)).toEqual({
      status: 'valid',
      kind: 'aws-nitro',
      module: 'enc-1',
      verifiedAt: '1970-01-01T00:00:01.000Z',
      expiresAt: '1970-01-01T00:10:01.000Z',
      measurements: { PCR0: 'aa' },
    });
    expect(attestationStatus(A, 601_000).status).toBe('expired');
  });
});
