import { type Rng, WeightedSampler } from '../../util/rng.js';
import type { ClientMetro, TraceDemand } from '../input.js';
import type { Arrival, ArrivalSource, MixDrawer } from './arrival.js';

/**
 * Replays a trace: arrival offsets and token counts from the trace, client metro by weight and model by
 * popularity from the arrivals stream. Stops at the end of the trace or of the run, whichever is first.
 */
export class TraceArrivals implements ArrivalSource {
  private i = 0;
  private readonly endMs: number;
  private readonly metros: WeightedSampler;
  private readonly models: WeightedSampler;

  constructor(
    private readonly trace: TraceDemand,
    metros: readonly ClientMetro[],
    private readonly mix: MixDrawer,
    durationS: number,
    private readonly arrivalsRng: Rng,
    private readonly tokensRng: Rng,
  ) {
    this.endMs = durationS * 1000;
    this.metros = new WeightedSampler(metros.map((m) => m.weight));
    this.models = new WeightedSampler(trace.modelWeights);
  }

  next(out: Arrival): boolean {
    const tr = this.trace;
    if (this.i >= tr.offsetsMs.length || this.metros.size === 0 || this.models.size === 0) return false;
    const t = tr.offsetsMs[this.i]!;
    if (t >= this.endMs) return false;
    out.t = t;
    out.input = tr.input[this.i]!;
    out.output = tr.output[this.i]!;
    this.i++;
    out.metro = this.metros.sample(this.arrivalsRng);
    out.model = this.models.sample(this.arrivalsRng);
    this.mix.draw(out, this.tokensRng);
    return true;
  }
}
