/**
 * Writes markdown to the GitHub Actions job summary (the file named by GITHUB_STEP_SUMMARY),
 * where the full plan is shown on the run page. Content over GitHub's 1 MiB per-step limit is
 * cut short with a pointer to the plan artifact, since GitHub would otherwise drop it whole.
 */
import { appendFileSync } from 'node:fs';
import { WharfError } from '../diagnostics/errors.js';
import type { ActionsEnv } from './actions-env.js';
import { fitToLimit, JOB_SUMMARY_LIMIT, measureBytes } from './truncate.js';
import { truncationNotice } from './truncation-notice.js';

/** What writeJobSummary did. */
export interface JobSummaryResult {
  /** The summary file written to. */
  path: string;
  truncated: boolean;
  bytes: number;
}

/** Appends `markdown` to the step's job summary; throws a clear error outside GitHub Actions. */
export function writeJobSummary(
  markdown: string,
  options: { artifactName?: string; env?: ActionsEnv } = {},
): JobSummaryResult {
  const env = options.env ?? process.env;
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) {
    throw new WharfError('GITHUB_STEP_SUMMARY is not set, so there is no job summary to write to.', {
      code: 'github.summary-missing',
      errorClass: 'config',
      hint: 'Write the job summary only inside a GitHub Actions step, or leave out --job-summary.',
    });
  }
  const notice = (size: number) =>
    truncationNotice({ artifactName: options.artifactName }, size, {
      limit: JOB_SUMMARY_LIMIT,
      where: 'job summary',
      unit: 'bytes',
    });
  const fitted = fitToLimit(`${markdown.trimEnd()}\n`, JOB_SUMMARY_LIMIT - 1, notice, measureBytes);
  appendFileSync(path, `${fitted.text}\n`, 'utf8');
  return { path, truncated: fitted.truncated, bytes: measureBytes(fitted.text) + 1 };
}
