import { Args, Flags } from '@oclif/core';
import { runExperiment } from '../../../experiments/pipeline.js';
import type { RefreshRequest } from '../../../experiments/pipeline-plan.js';
import { experimentSource, openExperimentExecutor } from '../../../experiments/project-experiment.js';
import { renderRunResult } from '../../../views/experiment-results.js';
import { BaseCommand } from '../../base-command.js';

/** `ingest experiment run`: one refresh of an experiment's pipeline. */
export default class ExperimentRun extends BaseCommand {
  static summary = "Run an experiment's Warehouse Native pipeline in the store, or in its warehouse.";
  static description =
    'Computes first exposures, user-day staging, rollups and statistics. --incremental (the default) appends the days since the last run; --full-refresh restates everything; --metric recomputes one metric after its definition changed.';
  static examples = [
    '<%= config.bin %> experiment run checkout_button',
    '<%= config.bin %> experiment run checkout_button --full-refresh',
    '<%= config.bin %> experiment run checkout_button --metric revenue',
  ];
  static args = { name: Args.string({ description: 'Experiment name.', required: true }) };
  static flags = {
    'full-refresh': Flags.boolean({
      description: 'Restate every artifact table from scratch.',
      exclusive: ['incremental', 'metric'],
    }),
    incremental: Flags.boolean({
      description: 'Append the days since the last run (default).',
      exclusive: ['full-refresh', 'metric'],
    }),
    metric: Flags.string({ description: 'Recompute this metric only.', exclusive: ['full-refresh', 'incremental'] }),
    through: Flags.string({ description: 'Last day to include (YYYY-MM-DD); default: the last day with data.' }),
  };

  async run() {
    const { args, flags } = await this.parse(ExperimentRun);
    const project = await this.loadValidProject(flags.project);
    const source = experimentSource(project, args.name);
    const request: RefreshRequest = flags['full-refresh']
      ? { type: 'full' }
      : flags.metric
        ? { type: 'metric', metric: flags.metric }
        : { type: 'incremental' };
    const store = await openExperimentExecutor(project, source);
    try {
      const result = await runExperiment(store, source, request, { through: flags.through });
      if (!this.jsonEnabled()) this.log(renderRunResult(result));
      return result;
    } finally {
      await store.close();
    }
  }
}
