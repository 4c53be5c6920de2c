import type { Command } from './command.js';
import { routeCommand } from './route.js';
import { rttEvaluate } from './rtt-evaluate.js';
import { scenarioShow } from './scenario-show.js';
import { scenarioValidate } from './scenario-validate.js';
import { simulate } from './simulate.js';

/** Every command of the `meridian` binary. Add a command by importing it here (one line each). */
export const COMMANDS: Command[] = [routeCommand, rttEvaluate, scenarioValidate, scenarioShow, simulate];
