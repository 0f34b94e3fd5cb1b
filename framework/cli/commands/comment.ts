import { resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { planHeadline, readPlanCounts } from '../../github/plan-headline.js';
import { publishPlan } from '../../github/publish-plan.js';
import { readTextInput } from '../../github/read-input.js';
import { renderCommentResult } from '../../views/comment-result.js';
import { BaseCommand } from '../base-command.js';

export default class Comment extends BaseCommand {
  static summary = 'Post or update the sticky plan comment on a GitHub pull request.';
  static description =
    'Reads a markdown plan from --file or standard input and puts it on the pull request as one comment, found again by a hidden marker and updated in place on every run. Uses GITHUB_TOKEN, and the repository and pull request of the GitHub Actions run unless --repo/--pr are given. Plans longer than GitHub allows are cut short with a pointer to the job summary.';
  static examples = [
    '<%= config.bin %> comment --file plan.md',
    'npx ingest plan --state repo --format markdown | <%= config.bin %> comment --job-summary',
    '<%= config.bin %> comment --file plan.md --plan-json plan.json --check "Wharf plan" --repo acme/analytics --pr 42',
  ];

  static flags = {
    file: Flags.string({ char: 'f', description: 'Markdown file to post; `-` or none reads standard input.' }),
    marker: Flags.string({
      description:
        'Marker key that identifies the comment (default: wharf-plan, or wharf-plan:<folder> for a project below the repository root).',
    }),
    repo: Flags.string({ description: 'Repository as owner/name (default: GITHUB_REPOSITORY).' }),
    pr: Flags.integer({ description: 'Pull request number (default: from the GitHub event of this run).', min: 1 }),
    'job-summary': Flags.boolean({
      description: 'Also write the markdown to the job summary (GITHUB_STEP_SUMMARY).',
      default: false,
    }),
    artifact: Flags.string({
      description: 'Name of the workflow artifact holding the full plan, named when the comment is cut short.',
    }),
    'plan-json': Flags.string({
      description: 'The plan as JSON (`ingest plan --json`), for the headline: "no changes" or "N to add, …".',
    }),
    check: Flags.string({
      description:
        'Also create a check run with this name, titled with the headline; empty for none (needs --plan-json and `permissions: checks: write`).',
      dependsOn: ['plan-json'],
    }),
  };

  async run() {
    const { flags } = await this.parse(Comment);
    const markdown = readTextInput(flags.file, 'markdown plan');
    const headline = flags['plan-json']
      ? planHeadline(readPlanCounts(readTextInput(flags['plan-json'], 'plan JSON'), flags['plan-json']))
      : undefined;
    const result = await publishPlan({
      markdown,
      marker: flags.marker,
      projectDir: resolve(flags.project ?? '.'),
      repo: flags.repo,
      pr: flags.pr,
      artifactName: flags.artifact,
      jobSummary: flags['job-summary'],
      check: flags.check && headline ? { name: flags.check, headline, conclusion: 'success' } : undefined,
    });
    if (!this.jsonEnabled()) this.log(renderCommentResult(result, headline));
    return { ...result, headline };
  }
}
