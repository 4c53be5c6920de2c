import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('temporary folders of the test run', () => {
  it('every test file sees the run’s own TMPDIR (meridian-test-run-…), which must be empty at the end', () => {
    expect(basename(tmpdir())).toMatch(/^meridian-test-run-/);
  });
});
