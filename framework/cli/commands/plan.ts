import { Flags } from '@oclif/core';
import pc from 'picocolors';
import { planProject, repoSnapshotMissing, snapshotPath } from '../../apply/operations.js';
import { planHeadline } from '../../github/plan-headline.js';
import { publishPlan } from '../../github/publish-plan.js';
import { writePlanFile } from '../../plan/plan-file.js';
import { hasChanges } from '../../plan/summary.js';
import type { Plan as PlanResult } from '../../plan/types.js';
import { sortKeys } from '../../util/canonical-json.js';
import { renderCommentResult } from '../../views/comment-result.js';
import { planView, type PlanFormat } from '../../views/plan-view.js';
import { BaseCommand } from '../base-command.js';
import { stateReadFlags } from '../state-source-flags.js';
import { githubRunUrl, lockTimeoutMs } from '../state-flags.js';

export default class Plan extends BaseCommand {
  static summary =
    'Show what apply would change: ingestions to add, change and remove, and the data actions that follow.';
  static description =
    "Compares the configuration with the applied state (in the store, or with --state repo in status/state.json) and shows each ingestion to add (+), change (~, attribute by attribute, SQL as a unified diff) or remove (-), how many are unchanged, and the data actions apply will take: initial backfills, restatements by each mapping's restate policy, dropped or kept data. With --detailed-exitcode it exits 0 when there are no changes, 1 on error and 2 when there are changes.";
  static examples = [
    '<%= config.bin %> plan',
    '<%= config.bin %> plan --out plan.json',
    '<%= config.bin %> plan --state repo --format markdown',
    '<%= config.bin %> plan --target app_events --target daily_metrics',
    '<%= config.bin %> plan --detailed-exitcode --json',
    '<%= config.bin %> plan --state repo --comment --job-summary --check "Wharf plan"',
  ];

  static flags = {
    out: Flags.file({ description: 'Also save the plan to this file, for `ingest apply <file>`.' }),
    format: Flags.string({ description: 'Output format.', options: ['human', 'json', 'markdown'], default: 'human' }),
    target: Flags.string({ description: 'Limit the plan to this mapping (repeatable).', multiple: true }),
    'destroy-data': Flags.boolean({ description: 'Delete the loaded data of removed ingestions (kept by default).' }),
    'detailed-exitcode': Flags.boolean({ description: 'Exit 0 with no changes, 1 on error, 2 with changes.' }),
    ...stateReadFlags,
    comment: Flags.boolean({
      description:
        'Also post the markdown plan as the sticky pull request comment, updated in place on every run (as `ingest comment` does; needs GITHUB_TOKEN).',
    }),
    'job-summary': Flags.boolean({
      description: 'With --comment: also write the markdown plan to the job summary (GITHUB_STEP_SUMMARY).',
      dependsOn: ['comment'],
    }),
    check: Flags.string({
      description:
        'With --comment: also create a check run with this name, titled with the headline; empty for none (needs `permissions: checks: write`).',
      dependsOn: ['comment'],
    }),
    artifact: Flags.string({
      description:
        'With --comment: name of the workflow artifact holding the full plan, named when the comment is cut short.',
      dependsOn: ['comment'],
    }),
    marker: Flags.string({
      description:
        'With --comment: marker key that identifies the comment (default: wharf-plan, or wharf-plan:<folder> below the repository root).',
      dependsOn: ['comment'],
    }),
    repo: Flags.string({
      description: 'With --comment: repository as owner/name (default: GITHUB_REPOSITORY).',
      dependsOn: ['comment'],
    }),
    pr: Flags.integer({
      description: 'With --comment: pull request number (default: from the GitHub event of this run).',
      min: 1,
      dependsOn: ['comment'],
    }),
  };

  async run() {
    const { flags } = await this.parse(Plan);
    const project = await this.loadValidProject(flags.project);
    const plan = await planProject(project, flags.state as 'store' | 'repo', {
      now: new Date(),
      targets: flags.target,
      destroyData: flags['destroy-data'],
      lockTimeoutMs: lockTimeoutMs(flags['lock-timeout']),
    });
    if (flags.out) writePlanFile(flags.out, plan);
    const changed = flags['detailed-exitcode'] && hasChanges(plan.summary);
    const note =
      flags.state === 'repo' && repoSnapshotMissing(project)
        ? emptyStateNote(snapshotPath(project).relative)
        : undefined;
    // The note reaches readers of every format without breaking a JSON document on stdout.
    // (oclif silences logToStderr under --json, hence the direct write.)
    if (note && (this.jsonEnabled() || flags.format === 'json')) process.stderr.write(`${note}\n`);
    if (!this.jsonEnabled()) {
      if (note && flags.format === 'human') this.log(`${note}\n`);
      const rendered = planView(flags.format as PlanFormat, {
        color: pc.isColorSupported,
        fullPlanUrl: githubRunUrl(),
      }).render(plan);
      this.log(note && flags.format === 'markdown' ? withMarkdownNote(note, rendered) : rendered);
      if (flags.out && flags.format === 'human')
        this.log(`\nSaved the plan to ${flags.out}. Apply exactly this plan with: ingest apply ${flags.out}`);
    }
    if (flags.comment) await this.publish(plan, project.root, flags, note);
    if (this.jsonEnabled()) {
      if (!changed) return sortKeys(plan);
      this.logJson(sortKeys(plan));
    }
    if (changed) this.exit(2);
    return sortKeys(plan);
  }

  /**
   * Posts the markdown plan as the sticky comment through the same core as `ingest comment`. The
   * report follows a text plan, goes to standard error after a markdown plan (so piped markdown
   * stays a clean document), and is left out with --json.
   */
  private async publish(plan: PlanResult, projectDir: string, flags: PublishFlags, note?: string): Promise<void> {
    const headline = planHeadline(plan.summary);
    const markdown = planView('markdown', { fullPlanUrl: githubRunUrl() }).render(plan);
    const result = await publishPlan({
      markdown: note ? withMarkdownNote(note, markdown) : markdown,
      marker: flags.marker,
      projectDir,
      repo: flags.repo,
      pr: flags.pr,
      artifactName: flags.artifact,
      jobSummary: flags['job-summary'],
      check: flags.check ? { name: flags.check, headline, conclusion: 'success' } : undefined,
    });
    const report = renderCommentResult(result, headline);
    if (flags.format === 'human') this.log(`\n${report}`);
    else this.logToStderr(report);
  }
}

/** Said when `--state repo` finds no snapshot: the plan starts from empty state. */
function emptyStateNote(file: string): string {
  return `No ${file} yet: planning against empty state (nothing applied). It is written by \`ingest state export\`, which the agent and the apply workflow run after each apply.`;
}

/** The note as a quoted line above a markdown plan. */
function withMarkdownNote(note: string, markdown: string): string {
  return `> ${note}\n\n${markdown}`;
}

/** The flags `publish` reads. */
interface PublishFlags {
  format: string;
  'job-summary'?: boolean;
  check?: string;
  artifact?: string;
  marker?: string;
  repo?: string;
  pr?: number;
}
