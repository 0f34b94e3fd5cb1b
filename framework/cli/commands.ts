/**
 * The command registry (oclif's explicit strategy): one line per command. Command ids with
 * spaces are topics, e.g. `state export`.
 */
import ExperimentReport from './commands/experiment-report.js';
import ExperimentResults from './commands/experiment-results.js';
import ExperimentRun from './commands/experiment-run.js';
import Validate from './commands/validate.js';

export const COMMANDS = {
  validate: Validate,
  'experiment:run': ExperimentRun,
  'experiment:results': ExperimentResults,
  'experiment:report': ExperimentReport,
};
