import { existsSync } from 'node:fs';

/**
 * Debian's Chromium for the dashboard browser tests (`.ci/run` installs it; CHROMIUM_PATH overrides).
 * Undefined without one: the browser tests then say how to get it and skip.
 */
export const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export function warnWithoutChromium(): void {
  if (CHROMIUM === undefined)
    console.warn(
      'skipping the dashboard browser tests: no Chromium (apt-get install chromium, or set CHROMIUM_PATH)',
    );
}

/** Headless, offline, no sandbox (containers). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
