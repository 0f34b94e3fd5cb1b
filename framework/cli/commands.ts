/**
 * The command registry (oclif's explicit strategy): one line per command. Command ids with
 * spaces are topics: register them with a colon, e.g. 'state:export' for `ingest state export`.
 */
import Apply from './commands/apply.js';
import ExperimentReport from './commands/experiment/report.js';
import ExperimentResults from './commands/experiment/results.js';
import ExperimentRun from './commands/experiment/run.js';
import ForceUnlock from './commands/force-unlock.js';
import Plan from './commands/plan.js';
import StateExport from './commands/state/export.js';
import StateList from './commands/state/list.js';
import StateShow from './commands/state/show.js';
import Comment from './commands/comment.js';
import JobSummary from './commands/job-summary.js';
import Validate from './commands/validate.js';
import Run from './commands/run.js';
import Backfill from './commands/backfill.js';
import Sample from './commands/sample.js';
import Status from './commands/status.js';
import AgentCommand from './commands/agent.js';

export const COMMANDS = {
  validate: Validate,
  run: Run,
  backfill: Backfill,
  sample: Sample,
  status: Status,
  plan: Plan,
  apply: Apply,
  'state:export': StateExport,
  'state:list': StateList,
  'state:show': StateShow,
  'force-unlock': ForceUnlock,
  comment: Comment,
  'job-summary': JobSummary,
  'experiment:run': ExperimentRun,
  'experiment:results': ExperimentResults,
  'experiment:report': ExperimentReport,
  agent: AgentCommand,
};
