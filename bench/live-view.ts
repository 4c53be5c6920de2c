/**
 * The coordinator's own view of the network, in one process (`npm run bench:live-view`): `--nodes`
 * registered nodes (default 10,000) heartbeating once a second each and `--requests` gateway requests a
 * second (default 600, what one of three coordinators serves in `bench:cluster`), on a simulated clock
 * advancing 5 ms a step for `--seconds` (20). Heartbeats come in batches every `--batch-ms` (20, as other
 * coordinators publish them; 5 is closer to heartbeats accepted one by one). Each request takes the view for its decision
 * (`LiveNetwork.currentView`, refreshed when something changed, within `REFRESH_SHARE` of the time) and
 * the model availability the gateway checks first (`availability`), as `/v1/route` does; the decision
 * itself is not made (bench:route measures it). Real trust marks are read for every node merged.
 *
 * Prints one JSON object: CPU (user + system of this process) per second of simulated time spent applying
 * heartbeats and answering requests, and per request. Per-second costs that do not shrink with fewer
 * requests are what each added coordinator pays again (docs/scaling.md).
 */
import type { KeyObject } from 'node:crypto';
import { METROS } from '../src/geo/metros.js';
import { modelCatalog } from '../src/server/coordinator.js';
import { LiveNetwork } from '../src/server/live-network.js';
import { LiveTrust } from '../src/server/live-trust.js';
import type { RegisteredNode } from '../src/server/registry.js';
import { Descriptor, type Heartbeat, HeartbeatPayload } from '../src/wire/protocol.js';
import { parseFlags, positiveNumber } from './args.js';

const BENCH = 'bench:live-view';
const values = parseFlags(BENCH, {
  nodes: { type: 'string', default: '10000' },
  requests: { type: 'string', default: '600' },
  seconds: { type: 'string', default: '20' },
  'batch-ms': { type: 'string', default: '20' },
});
const whole = (name: string, text: string): number => positiveNumber(BENCH, name, text, { integer: true });
const NODES = whole('--nodes', values.nodes);
const REQUESTS = whole('--requests', values.requests);
const SECONDS = whole('--seconds', values.seconds);
const BATCH_MS = whole('--batch-ms', values['batch-ms']);
const STEP_MS = 5;
const MODEL = 'llama-3.1-8b-instruct';

let now = 1_000_000;
const nodes: RegisteredNode[] = Array.from({ length: NODES }, (_, k) => {
  const m = METROS[k % METROS.length]!;
  const descriptor = Descriptor.parse({
    id: `n${k}`,
    roles: ['inference'],
    location: { lat: m.lat, lon: m.lon, metro: m.id },
    labels: {
      provider: `prov-${k % 97}`,
      asn: `asn-${k % 211}`,
      datacenter: `dc-${k % 1009}`,
      operator: `op-${k % 499}`,
      country: m.country,
    },
    hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
    slots: 8,
  });
  const record = {
    id: `n${k}`,
    operator: `op-${k % 499}`,
    publicKey: '',
    endpoint: `http://n${k}`,
    descriptor,
    registeredAt: 0,
    updatedAt: 0,
    lastSeq: 0,
  };
  return { record, descriptor, key: {} as KeyObject };
});
let trust: LiveTrust | undefined;
const network = new LiveNetwork({
  models: modelCatalog([]),
  thresholds: { staleAfterMs: 3000, unhealthyAfterMs: 10_000 },
  now: () => now,
  blocked: () => false,
  quarantined: (id) => trust?.quarantined(id) === true,
  demoted: (id) => trust?.demoted(id) === true,
});
network.reset(nodes);
trust = new LiveTrust(network, { now: () => now, location: false, queue: false });
const base: Heartbeat[] = nodes.map((n, i) =>
  HeartbeatPayload.parse({
    nodeId: n.record.id,
    seq: 1,
    sentAt: now,
    slots: 8,
    inFlight: i % 3,
    queue: 0,
    models: [{ id: MODEL, state: 'warm' }],
  }),
);
let seq = 1;
let next = 0;
const all = () => nodes;
const beat = (count: number) => {
  for (let j = 0; j < count; j++) {
    const hb = { ...base[next]!, seq: ++seq, sentAt: now };
    next = (next + 1) % NODES;
    network.onEvent({ type: 'heartbeat', nodeId: hb.nodeId, heartbeat: hb, receivedAt: now }, all);
  }
};
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

beat(NODES);
network.currentView();
const run = (seconds: number) => {
  let beatsUs = 0;
  let requestsUs = 0;
  let owedBeats = 0;
  let owedRequests = 0;
  for (let t = 0; t < (seconds * 1000) / STEP_MS; t++) {
    now += STEP_MS;
    owedBeats += (NODES * STEP_MS) / 1000;
    owedRequests += (REQUESTS * STEP_MS) / 1000;
    let c = cpuUs();
    if ((t * STEP_MS) % BATCH_MS < STEP_MS) {
      beat(Math.floor(owedBeats));
      owedBeats -= Math.floor(owedBeats);
    }
    beatsUs += cpuUs() - c;
    c = cpuUs();
    for (; owedRequests >= 1; owedRequests--) {
      network.currentView();
      if (!network.availability().some((a) => a.id === MODEL)) throw new Error(`${MODEL} not available`);
    }
    requestsUs += cpuUs() - c;
  }
  return { beatsUs, requestsUs };
};
run(Math.min(5, SECONDS)); // warm-up: the JIT, the first full refreshes
const { beatsUs, requestsUs } = run(SECONDS);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
process.stdout.write(
  `${JSON.stringify({
    nodes: NODES,
    heartbeats_per_s: NODES,
    requests_per_s: REQUESTS,
    batch_ms: BATCH_MS,
    heartbeat_cpu_ms_per_s: round(beatsUs / 1000 / SECONDS),
    request_cpu_ms_per_s: round(requestsUs / 1000 / SECONDS),
    request_cpu_us_per_request: round(requestsUs / (REQUESTS * SECONDS)),
  })}\n`,
);
