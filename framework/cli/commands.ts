/**
 * The command registry (oclif's explicit strategy): one line per command. Command ids with
 * spaces are topics, e.g. `state export`.
 */
import Apply from './commands/apply.js';
import ForceUnlock from './commands/force-unlock.js';
import Plan from './commands/plan.js';
import StateExport from './commands/state/export.js';
import Validate from './commands/validate.js';

export const COMMANDS = {
  validate: Validate,
  plan: Plan,
  apply: Apply,
  'state:export': StateExport,
  'force-unlock': ForceUnlock,
};
