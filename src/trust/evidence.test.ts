import { describe, expect, it } from 'vitest';
import { checkStart, queueHolds, residentFits } from './evidence.js';

const OBS = { firstByteMs: 0, rttMs: 80, expectedPrefillMs: 100, hostLoadMs: 640 };

describe('checkStart (claimed warm and free: the first byte is due one round trip plus the prefill after the send)', () => {
  it('checks nothing unless the node claimed both warm and a free slot', () => {
    expect(checkStart({ warm: false, free: true }, { ...OBS, firstByteMs: 60_000 })).toEqual({
      checked: false,
    });
    expect(checkStart({ warm: true, free: false }, { ...OBS, firstByteMs: 60_000 })).toEqual({
      checked: false,
    });
  });

  it('holds up to 250 ms + 9 × prefill of excess: 80 + 100 + 250 + 900 = 1,330 ms first byte', () => {
    const claim = { warm: true, free: true };
    expect(checkStart(claim, { ...OBS, firstByteMs: 1330 })).toEqual({ checked: true, held: true });
    expect(checkStart(claim, { ...OBS, firstByteMs: 1331 })).toMatchObject({ checked: true, held: false });
  });

  it('does not flag a straggler 10× slower than learned (prefill 1,000 ms instead of 100)', () => {
    expect(checkStart({ warm: true, free: true }, { ...OBS, firstByteMs: 80 + 1000 })).toMatchObject({
      held: true,
    });
  });

  it('charges an excess as long as a host-RAM load (640 ms) or longer to the warm claim, a shorter one to the queue', () => {
    const claim = { warm: true, free: true };
    const slow = { ...OBS, expectedPrefillMs: 10 };
    expect(checkStart(claim, { ...slow, firstByteMs: 80 + 10 + 5000 })).toMatchObject({
      claim: 'warm',
      excessMs: 5000,
    });
    expect(checkStart(claim, { ...slow, firstByteMs: 80 + 10 + 500 })).toMatchObject({
      claim: 'queue',
      excessMs: 500,
    });
  });

  it('checks nothing on a non-finite observation', () => {
    expect(checkStart({ warm: true, free: true }, { ...OBS, firstByteMs: Number.NaN })).toEqual({
      checked: false,
    });
  });
});

describe('residentFits', () => {
  it('an 80 GB accelerator can hold 16 + 15 + 18 GB (49) but not 16 + 15 + 18 + 48 GB (97)', () => {
    expect(residentFits(49, 80)).toBe(true);
    expect(residentFits(80, 80)).toBe(true);
    expect(residentFits(97, 80)).toBe(false);
  });
});

describe('queueHolds (reported running + waiting against this router’s own requests at the node)', () => {
  it('is unchecked when the router has nothing at the node', () => {
    expect(queueHolds(0, 0, 0)).toBeUndefined();
  });

  it('holds when the node reports at least the router’s 3 requests (others only add), less the slack', () => {
    expect(queueHolds(3, 3, 0)).toBe(true);
    expect(queueHolds(7, 3, 0)).toBe(true);
    expect(queueHolds(2, 3, 1)).toBe(true);
  });

  it('is contradicted by a node reporting an empty queue while 3 of the router’s requests wait there', () => {
    expect(queueHolds(0, 3, 0)).toBe(false);
    expect(queueHolds(1, 3, 1)).toBe(false);
  });
});
