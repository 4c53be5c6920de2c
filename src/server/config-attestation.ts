import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { nitroVerifier } from '../trust/attestation/nitro.js';
import { type AttestationVerifier, AttestationVerifiers } from '../trust/attestation/verifier.js';

/**
 * `registry.attestation`: the TEE attestation verifiers the coordinator checks registrations with. Absent:
 * no verifier, so every document is refused and no node is given the `tee` mode.
 *
 *   registry:
 *     attestation:
 *       nitro:
 *         root: nitro-root.pem          # PEM file, relative to the config file
 *         pcrs: { "0": [<96 hex digits>, …] }
 *         maxAgeMs: 600000
 */
const Sha384Hex = z.string().regex(/^[0-9a-fA-F]{96}$/, '96 hex digits (a SHA-384 digest)');

const Nitro = z.strictObject({
  /** The root certificate (PEM file) every document's chain must start with, e.g. AWS Nitro root G1. */
  root: z.string().min(1),
  /** Allowed values per PCR index ("0" … "31"); PCRs not named are not checked. */
  pcrs: z
    .record(z.string(), z.array(Sha384Hex).min(1))
    .superRefine((pcrs, ctx) => {
      for (const k of Object.keys(pcrs))
        if (!/^([0-9]|[12][0-9]|3[01])$/.test(k))
          ctx.addIssue({ code: 'custom', path: [k], message: `"${k}" is not a PCR index 0 … 31` });
    })
    .default({}),
  /** Largest document age, ms: the verdict expires this long after the document's timestamp. */
  maxAgeMs: z.number().int().min(1000).max(86_400_000).default(600_000),
  /** Tolerated clock skew for document timestamps in the future, ms. */
  maxSkewMs: z.number().int().min(0).max(600_000).default(60_000),
});

export const AttestationOptions = z.strictObject({ nitro: Nitro.optional() });
export type AttestationOptions = z.infer<typeof AttestationOptions>;

/** Makes the root file path absolute against the config file's directory (the parse step calls it). */
export function resolveAttestationPaths(a: AttestationOptions, baseDir: string): void {
  if (a.nitro !== undefined && !isAbsolute(a.nitro.root)) a.nitro.root = resolve(baseDir, a.nitro.root);
}

/**
 * The verifiers the options describe; InputError naming the field and the file when the root cannot be
 * read or is not a certificate. The parse step calls it once to fail at start, the coordinator to use them.
 */
export function attestationVerifiers(a: AttestationOptions, source = 'config'): AttestationVerifiers {
  const list: AttestationVerifier[] = [];
  if (a.nitro !== undefined) {
    const n = a.nitro;
    const field = 'registry.attestation.nitro.root';
    let pem: string;
    try {
      pem = readFileSync(n.root, 'utf8');
    } catch (e) {
      throw new InputError(source, [
        { path: field, message: `cannot read ${n.root}: ${(e as Error).message}`, value: n.root },
      ]);
    }
    try {
      new X509Certificate(pem);
    } catch {
      throw new InputError(source, [
        { path: field, message: `${n.root} is not a PEM certificate`, value: n.root },
      ]);
    }
    list.push(
      nitroVerifier({
        root: pem,
        allowedPcrs: Object.fromEntries(Object.entries(n.pcrs).map(([k, v]) => [Number(k), v])),
        maxAgeMs: n.maxAgeMs,
        maxSkewMs: n.maxSkewMs,
      }),
    );
  }
  return new AttestationVerifiers(list);
}
