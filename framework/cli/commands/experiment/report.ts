import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { experimentSource, openExperimentStore } from '../../../experiments/project-experiment.js';
import { readExperimentResults } from '../../../experiments/results.js';
import { renderExperimentReport } from '../../../views/experiment-report.js';
import { BaseCommand } from '../../base-command.js';

/** `ingest experiment report`: the Markdown report, printed or written to a file. */
export default class ExperimentReport extends BaseCommand {
  static summary = "Write an experiment's Markdown report (what the agent commits to status/experiments/).";
  static examples = ['<%= config.bin %> experiment report checkout_button', '<%= config.bin %> experiment report checkout_button --out status/experiments/checkout_button.md'];
  static args = { name: Args.string({ description: 'Experiment name.', required: true }) };
  static flags = { out: Flags.string({ description: 'Write the report to this file instead of printing it.' }) };

  async run() {
    const { args, flags } = await this.parse(ExperimentReport);
    const project = await this.loadValidProject(flags.project);
    const source = experimentSource(project, args.name);
    const store = await openExperimentStore(project);
    try {
      const markdown = renderExperimentReport(await readExperimentResults(store, source));
      if (flags.out) {
        const path = resolve(flags.out);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, markdown);
      } else if (!this.jsonEnabled()) this.log(markdown);
      return { experiment: args.name, out: flags.out ?? null, markdown };
    } finally {
      await store.close();
    }
  }
}
