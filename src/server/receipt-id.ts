import { randomUUID } from 'node:crypto';

/**
 * A receipt id: a UUID of version 7 (RFC 9562, section 5.7) — 48 bits of Unix time in milliseconds,
 * then random bits. Ids made later sort later, so inserting them into the store's primary-key index
 * appends at its end instead of touching a random page per receipt (a random version-4 UUID rewrote about
 * one index page per receipt in every batch). Same text shape as any UUID: 36 characters, hex and dashes.
 */
export function receiptId(nowMs: number): string {
  const ms = Math.max(0, Math.min(Math.floor(nowMs), 2 ** 48 - 1));
  const time = ms.toString(16).padStart(12, '0');
  // randomUUID: xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx; keep its random bits and variant after the version.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}
