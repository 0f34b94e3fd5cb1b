/**
 * The command registry (oclif's explicit strategy): one line per command. Command ids with
 * spaces are topics, e.g. `state export`.
 */
import Validate from './commands/validate.js';
import Run from './commands/run.js';
import Backfill from './commands/backfill.js';
import Sample from './commands/sample.js';
import Status from './commands/status.js';

export const COMMANDS = {
  validate: Validate,
  run: Run,
  backfill: Backfill,
  sample: Sample,
  status: Status,
};
