import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import { generateIdentity, identityFromPem, identityToPem, type KeyPair } from '../wire/identity.js';

/**
 * The node's identity on disk: an Ed25519 private key (PKCS#8 PEM, readable by the owner only), created on
 * first start and reused afterwards, so a restarted agent is the same node.
 */
export function loadOrCreateIdentity(file: string): KeyPair {
  if (existsSync(file)) {
    try {
      return identityFromPem(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new InputError(file, [
        { path: '', message: `not an Ed25519 private key: ${(e as Error).message}` },
      ]);
    }
  }
  const pair = generateIdentity();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, identityToPem(pair), { mode: 0o600 });
  return pair;
}
