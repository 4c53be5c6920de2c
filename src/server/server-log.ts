/**
 * The coordinator's stderr log of server faults: every 5xx it answers is one line (status, method, path,
 * code and message; the stack for an unexpected error), at most `maxPerSecond` lines a second, the rest
 * counted and reported with the next line. Clients never see the stack.
 */
let windowStart = 0;
let inWindow = 0;
let suppressed = 0;

export function logServerError(
  status: number,
  method: string,
  url: string,
  error: unknown,
  write: (line: string) => void = (line) => process.stderr.write(line),
  now = Date.now(),
  maxPerSecond = 20,
): void {
  if (now - windowStart >= 1000) {
    windowStart = now;
    inWindow = 0;
  }
  if (++inWindow > maxPerSecond) {
    suppressed++;
    return;
  }
  const e = error as { code?: unknown; message?: unknown; stack?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? ` ${e.code}` : '';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const stack = status === 500 && typeof e?.stack === 'string' ? `\n${e.stack}` : '';
  const more = suppressed > 0 ? ` (${suppressed} more suppressed)` : '';
  suppressed = 0;
  write(
    `${new Date(now).toISOString()} meridian: ${status} ${method} ${url.split('?')[0]}:${code} ${message}${more}${stack}\n`,
  );
}
