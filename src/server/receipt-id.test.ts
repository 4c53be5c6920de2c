import { describe, expect, it } from 'vitest';
import { receiptId } from './receipt-id.js';

describe('receiptId', () => {
  it('is a version-7 UUID whose first 48 bits are the time in ms', () => {
    const id = receiptId(1_750_000_000_123);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // 1_750_000_000_123 = 0x01977420dc7b
    expect(id.slice(0, 13)).toBe('01977420-dc7b');
  });

  it('sorts ids made in later milliseconds after earlier ones, and differs within one millisecond', () => {
    const a = receiptId(1_000);
    const b = receiptId(1_000);
    const c = receiptId(1_001);
    expect(a).not.toBe(b);
    expect(a < c && b < c).toBe(true);
  });

  it('clamps times outside 0 … 2^48 − 1 ms', () => {
    expect(receiptId(-5).slice(0, 13)).toBe('00000000-0000');
    expect(receiptId(2 ** 50).slice(0, 13)).toBe('ffffffff-ffff');
  });
});
