import { Flags } from '@oclif/core';
import { writeJobSummary } from '../../github/job-summary.js';
import { planHeadline, readPlanCounts } from '../../github/plan-headline.js';
import { readTextInput } from '../../github/read-input.js';
import { BaseCommand } from '../base-command.js';

export default class JobSummary extends BaseCommand {
  static summary = 'Write a markdown plan to the GitHub Actions job summary and print its headline.';
  static description =
    'Appends the markdown from --file or standard input to GITHUB_STEP_SUMMARY (cut to GitHub\'s 1 MiB limit with a pointer to the artifact). With --plan-json it prints the plan headline, "no changes" or "N to add, N to change, N to remove, N days to load", for step outputs and check titles.';
  static examples = [
    '<%= config.bin %> job-summary --file plan.md --plan-json plan-output.json',
    'npx ingest plan --format markdown | <%= config.bin %> job-summary',
  ];

  static flags = {
    file: Flags.string({ char: 'f', description: 'Markdown file to write; `-` or none reads standard input.' }),
    'plan-json': Flags.string({ description: 'The plan as JSON (`ingest plan --json`), for the headline.' }),
    artifact: Flags.string({
      description: 'Name of the workflow artifact holding the full plan, named when the summary is cut short.',
    }),
  };

  async run() {
    const { flags } = await this.parse(JobSummary);
    const markdown = readTextInput(flags.file, 'markdown plan');
    const headline = flags['plan-json']
      ? planHeadline(readPlanCounts(readTextInput(flags['plan-json'], 'plan JSON'), flags['plan-json']))
      : undefined;
    const result = writeJobSummary(markdown, { artifactName: flags.artifact });
    if (!this.jsonEnabled()) {
      if (headline) this.log(headline);
      if (result.truncated)
        this.logToStderr('The plan was cut to the 1 MiB job summary limit, with a pointer to the artifact.');
    }
    return { ...result, headline };
  }
}
