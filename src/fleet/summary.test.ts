import { describe, expect, it } from 'vitest';
import { lastLine, renderSummary } from './summary.js';

describe('the fleet summary', () => {
  it('says which process ended, with its exit code or signal and its last line', () => {
    const lines = renderSummary({
      url: 'http://127.0.0.1:8080',
      uptimeS: 12,
      windowS: 30,
      traffic: undefined,
      nodes: [],
      models: [],
      exited: [
        {
          name: 'worker fra-1',
          code: 2,
          said: 'meridian: worker: the coordinator refused to register node fra-1',
        },
        { name: 'worker nrt-1', code: 'SIGKILL', said: '' },
      ],
    });
    expect(lines).toContain(
      'exited    worker fra-1 (2): meridian: worker: the coordinator refused to register node fra-1',
    );
    expect(lines).toContain('exited    worker nrt-1 (SIGKILL)');
  });

  it('takes the last non-empty line of what a process said, cut to 200 characters', () => {
    expect(lastLine('listening\nregistered fra-1\n\n')).toBe('registered fra-1');
    expect(lastLine('')).toBe('');
    expect(lastLine(`first\n${'x'.repeat(300)}`)).toBe(`${'x'.repeat(197)}...`);
  });
});
