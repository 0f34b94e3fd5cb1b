/**
 * Every command, by id. oclif itself finds commands by file (cli/commands/, its "pattern"
 * strategy, with a manifest written at build time so that only the command being run is
 * imported); this list serves tools and tests that check `ingest` invocations, and
 * cli/commands.test.ts checks it names exactly the command files. Command ids with spaces
 * are topics: a file in a folder, listed with a colon, e.g. 'state:export' for
 * commands/state/export.ts (`ingest state export`).
 */
import Apply from './commands/apply.js';
import ExperimentHistory from './commands/experiment/history.js';
import ExperimentReport from './commands/experiment/report.js';
import ExperimentResults from './commands/experiment/results.js';
import ExperimentRun from './commands/experiment/run.js';
import ForceUnlock from './commands/force-unlock.js';
import Init from './commands/init.js';
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
  init: Init,
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
  'experiment:history': ExperimentHistory,
  agent: AgentCommand,
};
