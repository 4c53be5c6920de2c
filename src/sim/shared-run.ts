import type { Rng } from '../util/rng.js';
import type { FailureEvent } from './failures.js';
import type { HiddenTruth } from './hidden-truth.js';
import type { SimInput, SimOptions } from './input.js';
import type { LiarTable } from './liars.js';
import type { SimNetwork } from './network.js';
import type { Oracle } from './oracle.js';
import type { TruthRtt } from './truth-rtt.js';
import type { ArrivalSource } from './workload/arrival.js';

/** Everything a run shares between policies: built once per scenario. */
export interface SharedRun {
  input: SimInput;
  options: SimOptions;
  net: SimNetwork;
  rtt: TruthRtt;
  /** How nodes really differ from the catalog (hidden from the router). */
  hidden: HiddenTruth;
  /** Which nodes lie and how (hidden from the router too). */
  liars: LiarTable;
  oracle: Oracle;
  failures: FailureEvent[];
  /** Region index of each client metro, and the region names. */
  metroRegion: Int32Array;
  regions: string[];
  /** Label codes per node for each independence dimension. */
  independence: Int32Array[];
  /** Makes the arrival stream of a run from its two streams. */
  arrivals: (arrivalsRng: Rng, tokensRng: Rng) => ArrivalSource;
}

/** One served request, for tests and traces. */
export interface ServedRecord {
  request: number;
  arrivalMs: number;
  node: number;
  metro: number;
  model: number;
  input: number;
  output: number;
  e2eMs: number;
  ttftMs: number;
  waitMs: number;
  oracleE2eMs: number;
  oracleTtftMs: number;
}

export interface RunHooks {
  /** Called at the start and every 4,096 events with the simulated time (ms) and the events handled so far. */
  progress?: (simMs: number, events: number) => void;
  /** Called for every served request. */
  served?: (record: ServedRecord) => void;
}
