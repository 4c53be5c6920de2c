import { PluginRegistry } from '../registry.js';
import { countries } from './filters/countries.js';
import { healthy } from './filters/healthy.js';
import { maxPrice } from './filters/max-price.js';
import { trusted } from './filters/trusted.js';
import { verification } from './filters/verification.js';
import { warm } from './filters/warm.js';
import { min } from './pickers/min.js';
import { p2c } from './pickers/p2c.js';
import { random } from './pickers/random.js';
import { roundRobin } from './pickers/round-robin.js';
import { tolerance } from './pickers/tolerance.js';
import { coldStart } from './scorers/cold-start.js';
import { completionTime } from './scorers/completion-time.js';
import { dataFetch } from './scorers/data-fetch.js';
import { demoted } from './scorers/demoted.js';
import { outstanding } from './scorers/outstanding.js';
import { queueWait } from './scorers/queue-wait.js';
import { rtt } from './scorers/rtt.js';
import { service } from './scorers/service.js';
import { uncertainty } from './scorers/uncertainty.js';

/** Every built-in plugin type. */
export const BUILTIN_PLUGINS = [
  healthy,
  countries,
  maxPrice,
  verification,
  warm,
  trusted,
  completionTime,
  rtt,
  queueWait,
  coldStart,
  service,
  dataFetch,
  uncertainty,
  outstanding,
  demoted,
  tolerance,
  min,
  random,
  p2c,
  roundRobin,
] as const;

/** A registry holding the built-in plugin types (a new one each call; add your own to it). */
export function defaultRegistry(): PluginRegistry {
  const r = new PluginRegistry();
  for (const p of BUILTIN_PLUGINS) r.register(p);
  return r;
}
