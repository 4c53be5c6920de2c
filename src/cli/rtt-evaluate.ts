import { UsageError } from '../errors.js';
import { DEFAULT_EVALUATE_OPTIONS, type EvaluateReport, evaluateRttPredictors } from '../geo/rtt-evaluate.js';
import { loadRttMatrix } from '../geo/rtt-matrix.js';
import { columnsOf, percent, tableLines } from '../util/text-table.js';
import { type Command, flag, num, requireStr } from './command.js';
import { EXIT_OK } from './exit.js';

const NAME = 'rtt evaluate';

const HELP = `meridian rtt evaluate --matrix FILE --coords FILE [--train 0.3] [--seed N] [--dims D] [--rounds R] [--json]

Compares two RTT predictors on held-out measured pairs: the distance model (great-circle distance ×
route inflation + access latency, src/geo/rtt-model.ts) and Vivaldi network coordinates with heights
trained on the other pairs. Reports the median and p90 relative error |predicted − measured| / measured.

  --matrix FILE   square RTT matrix CSV: header = empty cell + city names; rows = name + values in ms
                  (off-diagonal 0 = not measured), e.g. WonderProxy's city matrix
  --coords FILE   CSV with columns name, latitude, longitude (joined on name; cities without
                  coordinates are dropped and counted)
  --train SHARE   share of measured pairs used to train Vivaldi, in (0, 1) (default ${DEFAULT_EVALUATE_OPTIONS.train})
  --seed N        seed for the split and the training samples (default ${DEFAULT_EVALUATE_OPTIONS.seed})
  --dims D        Vivaldi Euclidean dimensions (default ${DEFAULT_EVALUATE_OPTIONS.vivaldi.dims})
  --rounds R      training rounds; each host takes one sample per round (default ${DEFAULT_EVALUATE_OPTIONS.rounds})
  --json          print {"pairs_test", "pairs_train", "distance": {"median_rel_err", "p90_rel_err"},
                  "vivaldi": {...}, ...} (errors as fractions)`;

function table(report: EvaluateReport, dropped: string[], seed: number): string {
  const rows = [
    ['distance', percent(report.distance.median_rel_err), percent(report.distance.p90_rel_err)],
    ['vivaldi', percent(report.vivaldi.median_rel_err), percent(report.vivaldi.p90_rel_err)],
  ];
  const lines = [
    `RTT prediction on held-out pairs: ${report.cities} cities, ${report.pairs_train} training pairs, ` +
      `${report.pairs_test} test pairs, seed ${seed}`,
  ];
  if (dropped.length > 0) {
    const list = dropped.slice(0, 5).join(', ') + (dropped.length > 5 ? ', …' : '');
    lines.push(
      `${dropped.length} ${dropped.length === 1 ? 'city' : 'cities'} without coordinates dropped (${list})`,
    );
  }
  lines.push('');
  lines.push(...tableLines(columnsOf(['model', 'median rel err', 'p90 rel err'], [1, 2]), rows));
  return lines.join('\n');
}

export const rttEvaluate: Command = {
  name: NAME,
  help: HELP,
  options: {
    matrix: { type: 'string' },
    coords: { type: 'string' },
    train: { type: 'string' },
    seed: { type: 'string' },
    dims: { type: 'string' },
    rounds: { type: 'string' },
  },
  async run(args, io) {
    const matrixFile = requireStr(args, NAME, 'matrix');
    const coordsFile = requireStr(args, NAME, 'coords');
    const train = num(args, NAME, 'train', DEFAULT_EVALUATE_OPTIONS.train, { min: 0.001, max: 0.999 });
    const seed = num(args, NAME, 'seed', DEFAULT_EVALUATE_OPTIONS.seed, {
      min: 0,
      max: 2 ** 32 - 1,
      integer: true,
    });
    const dims = num(args, NAME, 'dims', DEFAULT_EVALUATE_OPTIONS.vivaldi.dims ?? 3, {
      min: 1,
      max: 16,
      integer: true,
    });
    const rounds = num(args, NAME, 'rounds', DEFAULT_EVALUATE_OPTIONS.rounds, {
      min: 1,
      max: 1_000_000,
      integer: true,
    });
    const matrix = loadRttMatrix(matrixFile, coordsFile);
    const report = evaluateRttPredictors(matrix, { train, seed, rounds, vivaldi: { dims } });
    // Without both halves there is nothing to compare: a Vivaldi error from no training is its prior's.
    if (report.pairs_train === 0 || report.pairs_test === 0)
      throw new UsageError(
        `${NAME}: ${matrixFile} gives ${report.pairs_train} training and ${report.pairs_test} held-out pairs at --train ${train} (${report.cities} cities joined with ${coordsFile}); both must be at least 1: measure more cities, or change --train`,
      );
    if (flag(args, 'json')) {
      io.out(JSON.stringify({ ...report, seed, train, dims, dropped_cities: matrix.dropped }));
    } else {
      io.out(table(report, matrix.dropped, seed));
    }
    return EXIT_OK;
  },
};
