import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/shared-data.js';

/**
 * A NetworkView is read-only outside src/network: its clock, telemetry and warm index change only through
 * the NetworkState that made it (`refresh`, `advance`, `markDown`). `view.sent` and `view.loadsAhead` are
 * the fields route() writes, by design, and are not checked here.
 */

const SRC = join(ROOT, 'src');
/** `view.nowMs = …`, `snapshot.warm = …`, `view.dyn.healthy[i] = …`, `view.dyn.running[i]++` and the like. */
const WRITE =
  /\b\w*(?:view|View|snapshot|Snapshot)\??\.(?:nowMs|topology|warm|warmBySpeed|dyn)\s*=(?!=)|\b\w*(?:view|View|snapshot|Snapshot)\??\.dyn\.\w+\[[^\]]*\]!?\s*(?:[-+*/|&]?=(?!=)|\+\+|--)/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the router view stays read-only from outside src/network', () => {
  it('has no assignment into a view’s clock, telemetry or warm index in any of the source files outside src/network', () => {
    const writes: string[] = [];
    for (const file of sources(SRC)) {
      const rel = relative(ROOT, file);
      if (rel.startsWith(join('src', 'network'))) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (WRITE.test(line)) writes.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(writes).toEqual([]);
  });

  it('recognises the writes it forbids (so an empty result above means something)', () => {
    for (const line of [
      'view.nowMs = now;',
      'if (view) view.dyn.healthy[node] = 0;',
      'snapshot.dyn.running[i]!++;',
    ])
      expect(WRITE.test(line)).toBe(true);
    for (const line of [
      'const age = view.nowMs - at;',
      'view.sent[node]!++;',
      'if (view.dyn.healthy[j] === 1) {',
    ])
      expect(WRITE.test(line)).toBe(false);
  });
});
