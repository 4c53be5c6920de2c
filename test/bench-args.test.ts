import { describe, expect, it } from 'vitest';
import { type ArgsIo, type BenchFlag, parseFlags, positiveNumber, usage } from '../bench/args.js';

/** What a bench printed and the code it exited with (`exit` throws, as process.exit does not return). */
interface Outcome {
  out: string;
  err: string;
  code: number | undefined;
}

class Exited extends Error {}

/** Runs `f` with an io that records instead of writing and exiting. */
function run<T>(f: (io: ArgsIo) => T): Outcome & { result?: T } {
  const o: Outcome & { result?: T } = { out: '', err: '', code: undefined };
  const io: ArgsIo = {
    out: (text) => void (o.out += text),
    err: (text) => void (o.err += text),
    exit: (code) => {
      o.code = code;
      throw new Exited();
    },
  };
  try {
    o.result = f(io);
  } catch (e) {
    if (!(e instanceof Exited)) throw e;
  }
  return o;
}

const FLAGS = {
  rate: { type: 'string', default: '200' },
  nodes: { type: 'string', default: '10000' },
  'cpu-prof': { type: 'string', arg: 'DIR' },
  control: { type: 'boolean', default: false },
} as const satisfies Record<string, BenchFlag>;
const USAGE = 'usage: npm run bench:x -- [--rate N (200)] [--nodes N (10000)] [--cpu-prof DIR] [--control]';

const parse = (...args: string[]) => run((io) => parseFlags('bench:x', FLAGS, args, io));

describe('bench flags (bench/args.ts)', () => {
  it('the usage line lists every flag with its default', () => {
    expect(usage('bench:x', FLAGS)).toBe(USAGE);
  });

  it('an unknown flag exits 2 with "<bench>: <what was wrong>" and the usage, no stack trace', () => {
    const o = parse('--bogus');
    expect(o.code).toBe(2);
    expect(o.err).toBe(`bench:x: Unknown option '--bogus'\n${USAGE}\n`);
    expect(o.out).toBe('');
  });

  it('a flag missing its value, a value read as a flag and a stray argument exit 2 on one line each', () => {
    for (const args of [['--rate'], ['--rate', '-5'], ['--control=yes'], ['extra']]) {
      const o = parse(...args);
      expect(o.code, args.join(' ')).toBe(2);
      const lines = o.err.split('\n');
      expect(lines, args.join(' ')).toHaveLength(3); // the error, the usage, and the final newline
      expect(lines[0]).toMatch(/^bench:x: /);
      expect(lines[1]).toBe(USAGE);
    }
    expect(parse('--rate').err).toMatch(/^bench:x: Option '--rate <value>' argument missing\n/);
  });

  it('--help and -h print the usage on stdout and exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const o = parse('--rate', '5', flag);
      expect(o).toMatchObject({ code: 0, out: `${USAGE}\n`, err: '' });
    }
  });

  it('good values parse, defaults filling what is not given', () => {
    expect(parse().result).toEqual({ rate: '200', nodes: '10000', control: false });
    const o = parse('--rate', '2.5', '--nodes=7', '--cpu-prof', '/tmp/p', '--control');
    expect(o.code).toBeUndefined();
    expect(o.result).toEqual({ rate: '2.5', nodes: '7', 'cpu-prof': '/tmp/p', control: true });
  });

  it('a bad number exits 2 naming the flag and the value', () => {
    const check = (text: string, integer = false) =>
      run((io) => positiveNumber('bench:x', '--rate', text, { integer }, io));
    for (const text of ['abc', '-5', '0', '', 'Infinity', 'NaN', '1e400']) {
      expect(check(text), text).toMatchObject({
        code: 2,
        err: `bench:x: --rate must be a positive number (got ${JSON.stringify(text)})\n`,
      });
    }
    expect(check('1.5', true)).toMatchObject({
      code: 2,
      err: 'bench:x: --rate must be a positive integer (got "1.5")\n',
    });
  });

  it('an environment variable is checked the same way, by its name', () => {
    const o = run((io) => positiveNumber('bench:analysis', 'PLACE_EXACT_TIME_LIMIT_S', 'soon', {}, io));
    expect(o).toMatchObject({
      code: 2,
      err: 'bench:analysis: PLACE_EXACT_TIME_LIMIT_S must be a positive number (got "soon")\n',
    });
  });

  it('good numbers parse: fractions where allowed, whole numbers where an integer is needed', () => {
    const check = (text: string, integer = false) =>
      run((io) => positiveNumber('bench:x', '--rate', text, { integer }, io));
    expect(check('2.5')).toMatchObject({ code: undefined, err: '', result: 2.5 });
    expect(check('1e3', true)).toMatchObject({ code: undefined, err: '', result: 1000 });
    expect(check('10000', true)).toMatchObject({ code: undefined, err: '', result: 10000 });
  });
});
