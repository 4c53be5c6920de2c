import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';

/**
 * How bearer secrets (operator tokens, client keys) are stored: as `HMAC-SHA256(serverSecret,
 * SHA-256(token))`, hex. Hashing the SHA-256 rather than the token lets a config give `tokenSha256`
 * (never the token) and lets digests written before the HMAC (plain SHA-256) be rewritten at start
 * without knowing the tokens. A stolen store is of no use without the server secret: the digests cannot
 * be checked against guesses, and they differ from one coordinator to the next.
 */

/** File under the data directory that holds the generated secret (created owner-only). */
export const SECRET_FILE = 'secret';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export class TokenDigests {
  constructor(private readonly key: Buffer) {}

  /** The stored form of a token given in clear. */
  ofToken(token: string): string {
    return this.ofSha256(sha256Hex(token));
  }

  /** The stored form of a token known by its SHA-256 (hex): config `tokenSha256`, rows written before the HMAC. */
  ofSha256(hex: string): string {
    return createHmac('sha256', this.key).update(hex, 'utf8').digest('hex');
  }

  /** Whether `given` is `expected`, in time that does not depend on where they differ. */
  static same(given: string, expected: string): boolean {
    const a = Buffer.from(sha256Hex(given), 'hex');
    const b = Buffer.from(sha256Hex(expected), 'hex');
    return timingSafeEqual(a, b);
  }
}

/**
 * The server secret: `configured` when given; else the one in `dataDir/secret`, created (32 random
 * bytes, mode 0600) on first start; a random one per process for `:memory:`.
 */
export function serverSecret(configured: string | undefined, dataDir: string): Buffer {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  if (dataDir === ':memory:') return randomBytes(32);
  const file = join(dataDir, SECRET_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const text = readFileSync(file, 'utf8').trim();
  if (text.length < 32)
    throw new InputError(file, [{ path: '', message: 'the server secret must be at least 32 characters' }]);
  return Buffer.from(text, 'utf8');
}
