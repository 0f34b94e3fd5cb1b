import { Args, Flags } from '@oclif/core';
import { describeLocation } from '../../../experiments/executor.js';
import { jobRuns } from '../../../experiments/job-history.js';
import { experimentSource, openExperimentExecutor } from '../../../experiments/project-experiment.js';
import { renderJobHistory } from '../../../views/experiment-history.js';
import { BaseCommand } from '../../base-command.js';

/** `ingest experiment history`: the jobs of an experiment's recent pipeline runs. */
export default class ExperimentHistory extends BaseCommand {
  static summary =
    "Show the jobs of an experiment's recent pipeline runs: query ids, durations, rows, bytes scanned and billed.";
  static description =
    'Reads the job history where the experiment runs (the store, or its warehouse schema). Each run lists its steps with the statements they ran; bytes scanned and billed appear where the warehouse reports them (BigQuery, Snowflake), and "not reported" on DuckDB and PostgreSQL.';
  static examples = [
    '<%= config.bin %> experiment history checkout_button',
    '<%= config.bin %> experiment history checkout_button --runs 1 --statements',
    '<%= config.bin %> experiment history checkout_button --json',
  ];
  static args = { name: Args.string({ description: 'Experiment name.', required: true }) };
  static flags = {
    runs: Flags.integer({ description: 'How many of the most recent runs to show.', default: 5, min: 1 }),
    statements: Flags.boolean({ description: 'List every statement of each step with its query id.' }),
  };

  async run() {
    const { args, flags } = await this.parse(ExperimentHistory);
    const project = await this.loadValidProject(flags.project);
    const source = experimentSource(project, args.name);
    const executor = await openExperimentExecutor(project, source);
    try {
      const runs = await jobRuns(executor, args.name, flags.runs);
      const where = describeLocation(executor.location);
      if (!this.jsonEnabled()) this.log(renderJobHistory(args.name, where, runs, flags.statements));
      return { experiment: args.name, location: executor.location, runs };
    } finally {
      await executor.close();
    }
  }
}
