import { agent } from './agent.js';
import type { Command } from './command.js';
import { routeCommand } from './route.js';
import { rttEvaluate } from './rtt-evaluate.js';
import { scenarioShow } from './scenario-show.js';
import { scenarioValidate } from './scenario-validate.js';
import { serve } from './serve.js';
import { simulate } from './simulate.js';
import { start } from './start.js';
import { worker } from './worker.js';

/** Every command of the `meridian` binary. Add a command by importing it here (one line each). */
export const COMMANDS: Command[] = [
  routeCommand,
  rttEvaluate,
  scenarioValidate,
  scenarioShow,
  simulate,
  serve,
  agent,
  worker,
  start,
];
