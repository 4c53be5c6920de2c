import { describe, expect, it } from 'vitest';
import { parseSse } from '../web/src/sse.js';

describe("the page's reading of server-sent events", () => {
  it('splits complete events, keeps the unfinished rest, drops comments', () => {
    const text = 'event: nodes\ndata: {"a":1}\n\n: idle\n\nevent: arcs\ndata: [1,';
    expect(parseSse(text)).toEqual({
      events: [{ event: 'nodes', data: '{"a":1}' }],
      rest: 'event: arcs\ndata: [1,',
    });
  });

  it('joins several data lines with a newline; an event without a name is a message; CRLF counts as LF', () => {
    expect(parseSse('data: a\r\ndata: b\r\n\r\n').events).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('an event split across two chunks is read once both came', () => {
    const first = parseSse('event: snapshot\ndata: {"nodes":');
    expect(first.events).toEqual([]);
    expect(parseSse(`${first.rest}[]}\n\n`).events).toEqual([{ event: 'snapshot', data: '{"nodes":[]}' }]);
  });
});
