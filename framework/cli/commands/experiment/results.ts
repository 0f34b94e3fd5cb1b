import { Args, Flags } from '@oclif/core';
import { ROLLUPS, type Rollup } from '../../../experiments/names.js';
import { experimentSource, openExperimentExecutor } from '../../../experiments/project-experiment.js';
import { readExperimentResults } from '../../../experiments/results.js';
import { renderExperimentResults } from '../../../views/experiment-results.js';
import { BaseCommand } from '../../base-command.js';

/** `ingest experiment results`: the latest results as a table, or JSON. */
export default class ExperimentResultsCommand extends BaseCommand {
  static summary = "Show an experiment's latest results and health checks.";
  static examples = [
    '<%= config.bin %> experiment results checkout_button',
    '<%= config.bin %> experiment results checkout_button --rollup 7day --json',
  ];
  static args = { name: Args.string({ description: 'Experiment name.', required: true }) };
  static flags = {
    rollup: Flags.string({ description: 'Which rollup to show.', options: [...ROLLUPS], default: 'cumulative' }),
  };

  async run() {
    const { args, flags } = await this.parse(ExperimentResultsCommand);
    const project = await this.loadValidProject(flags.project);
    const source = experimentSource(project, args.name);
    const store = await openExperimentExecutor(project, source);
    try {
      const results = await readExperimentResults(store, source, flags.rollup as Rollup);
      if (!this.jsonEnabled()) this.log(renderExperimentResults(results));
      return results;
    } finally {
      await store.close();
    }
  }
}
