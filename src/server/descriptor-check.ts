import { z } from 'zod';
import { InputError, type InputIssue } from '../errors.js';
import { metroById } from '../geo/metros.js';
import { issuesFromZod, parseOrThrow } from '../model/validate.js';
import { Descriptor, type Heartbeat } from '../wire/protocol.js';

/**
 * A node descriptor as the registry takes it (registration, re-registration, update): the wire
 * `Descriptor` (the scenario Node schema without `models`), held to what a scenario file is held to as
 * well — no field the schema does not know, and a metro of the catalog (`src/geo/metros.ts`). InputError
 * at `source` naming each path and value otherwise.
 */
export function checkDescriptor(raw: unknown, source: string): Descriptor {
  const descriptor = parseOrThrow(Descriptor, raw, source);
  const issues = issuesFromZod(new z.ZodError(droppedKeys(raw, descriptor)), raw);
  const metro = descriptor.location.metro;
  if (metroById(metro) === undefined)
    issues.push({ path: 'location.metro', message: 'unknown metro', value: metro });
  if (issues.length > 0) throw new InputError(source, issues);
  return descriptor;
}

/**
 * The keys of `raw` that parsing dropped, as zod's own `unrecognized_keys` issues (one per object). A zod
 * object strips the keys it does not know, so a key of an input object missing from the parsed object is
 * one the schema does not know; arrays are compared item by item, and a value the schema transformed
 * into an object (a bare label value) has no keys to compare.
 */
export function droppedKeys(raw: unknown, parsed: unknown, path: PropertyKey[] = []): z.core.$ZodIssue[] {
  if (Array.isArray(raw) && Array.isArray(parsed))
    return raw.flatMap((item, i) => droppedKeys(item, parsed[i], [...path, i]));
  if (!isRecord(raw) || !isRecord(parsed)) return [];
  const out: z.core.$ZodIssue[] = [];
  const keys = Object.keys(raw).filter((k) => !Object.hasOwn(parsed, k));
  if (keys.length > 0) out.push({ code: 'unrecognized_keys', keys, path, message: '', input: raw });
  for (const k of Object.keys(raw))
    if (Object.hasOwn(parsed, k)) out.push(...droppedKeys(raw[k], parsed[k], [...path, k]));
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** What a heartbeat's RTT sample may measure besides a catalog metro or a registered node (`RttSample`). */
const RTT_TARGETS: ReadonlySet<string> = new Set(['coordinator', 'backend']);

/**
 * InputError at `body.payload` naming each `rtt[i].to` that is neither `coordinator`, `backend`, a catalog
 * metro nor a registered node (`isNode`): a place the coordinator cannot put on the map is not evidence.
 */
export function checkRttTargets(heartbeat: Heartbeat, isNode: (id: string) => boolean): void {
  const issues: InputIssue[] = [];
  heartbeat.rtt.forEach((s, i) => {
    if (RTT_TARGETS.has(s.to) || metroById(s.to) !== undefined || isNode(s.to)) return;
    issues.push({
      path: `rtt[${i}].to`,
      message: 'unknown metro: expected a catalog metro, "coordinator", "backend" or a registered node\'s id',
      value: s.to,
    });
  });
  if (issues.length > 0) throw new InputError('body.payload', issues);
}
