import type { Page } from 'playwright-core';

/**
 * Reads the dashboard's live stream from inside a page for `ms` and reports, per event name, how many
 * came and their sizes in bytes (what the page would parse).
 */
export async function probeStream(
  page: Page,
  ms: number,
  headers: Record<string, string> = {},
): Promise<Record<string, { count: number; bytes: number[] }>> {
  return page.evaluate(
    async ({ ms, headers }) => {
      const out: Record<string, { count: number; bytes: number[] }> = {};
      const abort = new AbortController();
      const res = await fetch('/ui/events', { headers, signal: abort.signal });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      const stop = setTimeout(() => abort.abort(), ms);
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const blocks = (buffer + value).split('\n\n');
          buffer = blocks.pop() ?? '';
          for (const b of blocks) {
            const name = /^event: (.*)$/m.exec(b)?.[1] ?? 'comment';
            const data = /^data: (.*)$/m.exec(b)?.[1] ?? '';
            out[name] ??= { count: 0, bytes: [] };
            out[name].count++;
            out[name].bytes.push(data.length);
          }
        }
      } catch {
        // aborted at the end of the window
      }
      clearTimeout(stop);
      return out;
    },
    { ms, headers },
  );
}
