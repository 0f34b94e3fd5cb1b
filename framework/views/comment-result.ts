/**
 * How `ingest comment` reports what it did: which pull request, created or updated, whether the
 * plan had to be cut short, and where the job summary and check run went.
 */
import type { PublishPlanResult } from '../github/publish-plan.js';

const VERBS = { created: 'Created', updated: 'Updated', unchanged: 'Left unchanged' } as const;

/** Human-readable lines for a publishPlan result. */
export function renderCommentResult(result: PublishPlanResult, headline?: string): string {
  const { comment } = result;
  const { owner, repo, number } = comment.target;
  const lines = [
    `${VERBS[comment.action]} the plan comment (${result.markerKey}) on ${owner}/${repo}#${number}: ${comment.url}`,
  ];
  if (headline) lines.push(`  Plan: ${headline}`);
  if (comment.truncated)
    lines.push(
      `  The plan (${comment.originalLength.toLocaleString('en-US')} characters) was cut to GitHub's comment limit, with a pointer to the full plan.`,
    );
  if (comment.removedDuplicates.length)
    lines.push(`  Removed ${comment.removedDuplicates.length} duplicate plan comment(s).`);
  if (result.jobSummary) lines.push(`  Wrote the job summary${result.jobSummary.truncated ? ' (cut to 1 MiB)' : ''}.`);
  if (result.checkRun) lines.push(`  Check run: ${result.checkRun.url}`);
  return lines.join('\n');
}
