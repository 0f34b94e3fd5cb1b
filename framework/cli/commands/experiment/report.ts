import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { experimentSource, openExperimentExecutor } from '../../../experiments/project-experiment.js';
import { experimentFiles } from '../../../agent/experiment-files.js';
import { readLiftHistory } from '../../../experiments/lift-history.js';
import { readExperimentResults } from '../../../experiments/results.js';
import { renderExperimentReport } from '../../../views/experiment-report.js';
import { BaseCommand } from '../../base-command.js';

/** `ingest experiment report`: the Markdown report, printed or written to a file. */
export default class ExperimentReport extends BaseCommand {
  static summary = "Write an experiment's Markdown report (what the agent commits to status/experiments/).";
  static examples = [
    '<%= config.bin %> experiment report checkout_button',
    '<%= config.bin %> experiment report checkout_button --out status/experiments/checkout_button.md',
  ];
  static args = { name: Args.string({ description: 'Experiment name.', required: true }) };
  static flags = {
    out: Flags.string({
      description:
        'Write the report to this file instead of printing it, with its SVG charts beside it (<file>.lift.svg, .cumulative-lift.svg, .exposures.svg).',
    }),
  };

  async run() {
    const { args, flags } = await this.parse(ExperimentReport);
    const project = await this.loadValidProject(flags.project);
    const source = experimentSource(project, args.name);
    const store = await openExperimentExecutor(project, source);
    try {
      const results = await readExperimentResults(store, source);
      if (!flags.out) {
        const markdown = renderExperimentReport(results);
        if (!this.jsonEnabled()) this.log(markdown);
        return { experiment: args.name, out: null, markdown, charts: [] };
      }
      const path = resolve(flags.out);
      const files = await experimentFiles(
        results,
        await readLiftHistory(store, args.name),
        '.',
        basename(path).replace(/\.md$/, ''),
      );
      mkdirSync(dirname(path), { recursive: true });
      let markdown = '';
      const charts: string[] = [];
      for (const [name, text] of files) {
        if (name.endsWith('.md')) {
          markdown = text;
          writeFileSync(path, text);
        } else {
          charts.push(join(dirname(path), basename(name)));
          writeFileSync(charts[charts.length - 1], text);
        }
      }
      return { experiment: args.name, out: flags.out, markdown, charts };
    } finally {
      await store.close();
    }
  }
}
