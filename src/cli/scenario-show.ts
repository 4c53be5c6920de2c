import { loadScenarioFile } from '../scenario/load.js';
import { summarizeScenario } from '../scenario/summary.js';
import { summaryText } from '../scenario/summary-text.js';
import { type Command, num } from './command.js';
import { EXIT_OK } from './exit.js';

const NAME = 'scenario show';

const HELP = `meridian scenario show FILE [--top N] [--json]

Loads a scenario (generators expanded for its seed) and summarises it: nodes by provider, metro,
country, role, accelerator, upstream and operator; models with their popularity and the number of nodes
holding each warm, in host RAM and on disk; datasets; demand (rate, client metros, model popularity,
bursts); failures with the number of nodes each selects; policies.

  --top N   rows kept in the metro, country, operator, demand-metro and popularity tables (default 10)
  --json    print the summary as JSON (shares as fractions)`;

export const scenarioShow: Command = {
  name: NAME,
  help: HELP,
  options: { top: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const top = num(args, NAME, 'top', 10, { min: 1, max: 10_000, integer: true });
    const summary = summarizeScenario(loadScenarioFile(args.positionals[0]!), top);
    io.out(args.values.json ? JSON.stringify(summary, null, 2) : summaryText(summary));
    return EXIT_OK;
  },
};
