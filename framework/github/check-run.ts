/**
 * A check run on the pull request's head commit whose title is the plan headline ("no changes"
 * or "N to add, …"), so reviewers see what a pull request does from the checks list. Its summary
 * holds the plan, cut to GitHub's 65,535-character limit like the comment.
 */
import type { PullRequestTarget } from './actions-env.js';
import { gitHubApiError } from './api-error.js';
import type { GitHubClient } from './client.js';
import { COMMENT_LIMIT, fitToLimit } from './truncate.js';
import { truncationNotice, type FullPlanPointer } from './truncation-notice.js';

/** What to publish as a completed check run. */
export interface CheckRunRequest {
  client: GitHubClient;
  target: Pick<PullRequestTarget, 'owner' | 'repo'>;
  headSha: string;
  /** Check name shown in the checks list, e.g. "Wharf plan". */
  name: string;
  /** The plan headline. */
  title: string;
  markdown: string;
  conclusion: 'success' | 'failure' | 'neutral';
  pointer?: FullPlanPointer;
}

/** Creates the completed check run; returns its id and page. */
export async function publishCheckRun(request: CheckRunRequest): Promise<{ id: number; url: string }> {
  const { client, target } = request;
  const summary = fitToLimit(request.markdown.trimEnd(), COMMENT_LIMIT, (size) =>
    truncationNotice(request.pointer ?? {}, size, { limit: COMMENT_LIMIT, where: 'check summary' }),
  ).text;
  try {
    const { data } = await client.rest.checks.create({
      owner: target.owner,
      repo: target.repo,
      name: request.name,
      head_sha: request.headSha,
      status: 'completed',
      conclusion: request.conclusion,
      output: { title: request.title, summary },
    });
    return { id: data.id, url: data.html_url ?? '' };
  } catch (err) {
    throw gitHubApiError(err, 'creating the check run');
  }
}
