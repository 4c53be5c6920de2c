/**
 * The page's connection to the coordinator. A key typed into the login field is kept for the tab
 * (sessionStorage) and sent as `Authorization: Bearer …` on every request, so the coordinator shows this
 * reader what its key allows (docs/security.md). The live stream is read with fetch (EventSource cannot
 * send a header) and parsed as server-sent events here.
 */
import { parseSse, type SseEvent } from './sse.js';

export type { SseEvent };

const KEY = 'meridian.key';

export function savedKey(): string {
  return sessionStorage.getItem(KEY) ?? '';
}

export function saveKey(key: string): void {
  if (key === '') sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, key);
}

function headers(): Record<string, string> {
  const key = savedKey();
  return key === '' ? {} : { authorization: `Bearer ${key}` };
}

export function api(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { ...headers(), ...(init.headers as Record<string, string>) } });
}

/**
 * Reads the event stream at `url` and calls `on` per event, reconnecting 2 s after it ends or fails,
 * until the returned function is called. `up` is told when the stream opens (true) and drops (false).
 */
export function stream(url: string, on: (e: SseEvent) => void, up: (open: boolean) => void): () => void {
  let stopped = false;
  let abort = new AbortController();
  const run = async () => {
    while (!stopped) {
      abort = new AbortController();
      try {
        const res = await api(url, { signal: abort.signal });
        if (!res.ok || res.body === null) throw new Error(`status ${res.status}`);
        up(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        // A large event (every node) comes in many chunks: they are only joined and parsed once a chunk
        // may end an event, so a 2 MB event is scanned once, not once per chunk.
        let pending: string[] = [];
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const last = pending.at(-1) ?? '';
          pending.push(value);
          if (!value.includes('\n\n') && !(last.endsWith('\n') && value.startsWith('\n'))) continue;
          const parsed = parseSse(pending.join(''));
          pending = parsed.rest === '' ? [] : [parsed.rest];
          for (const e of parsed.events) on(e);
        }
      } catch {
        // dropped or refused: retried below
      }
      up(false);
      if (!stopped) await new Promise((r) => setTimeout(r, 2000));
    }
  };
  void run();
  return () => {
    stopped = true;
    abort.abort();
  };
}
