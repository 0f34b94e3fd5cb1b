/**
 * The single entry point for putting a plan on a pull request, shared by `ingest comment` and
 * `ingest plan --comment`: resolve the token, repository, pull request and marker from options
 * and the Actions environment, then create or update the sticky comment, and optionally write
 * the job summary and a check run titled with the plan headline.
 */
import { resolve } from 'node:path';
import {
  resolveApiUrl,
  resolveHeadSha,
  resolvePullRequestTarget,
  resolveToken,
  workflowRunUrl,
  type ActionsEnv,
} from './actions-env.js';
import { WharfError } from '../diagnostics/errors.js';
import { publishCheckRun } from './check-run.js';
import { createGitHubClient, type GitHubClient } from './client.js';
import { writeJobSummary, type JobSummaryResult } from './job-summary.js';
import { markerKeyFor } from './marker.js';
import { upsertStickyComment, type StickyCommentResult } from './sticky-comment.js';

/** Everything a caller may choose; all but `markdown` have defaults from the environment. */
export interface PublishPlanOptions {
  /** The plan as markdown (`ingest plan --format markdown`). */
  markdown: string;
  /** Marker key; default `wharf-plan`, or `wharf-plan:<folder>` for a project below the repository root. */
  marker?: string;
  /** Folder of the Wharf project, used for the default marker (default: current folder). */
  projectDir?: string;
  /** `owner/name`; default GITHUB_REPOSITORY. */
  repo?: string;
  /** Pull request number; default from GITHUB_EVENT_PATH. */
  pr?: number;
  /** Name of the artifact holding the full plan, named in the truncation notice. */
  artifactName?: string;
  /** Also append the plan to GITHUB_STEP_SUMMARY. */
  jobSummary?: boolean;
  /** Also create a completed check run with this name, titled with `headline`. */
  check?: { name: string; headline: string; conclusion: 'success' | 'failure' | 'neutral' };
  /** Defaults to process.env. */
  env?: ActionsEnv;
}

/** What publishPlan did. */
export interface PublishPlanResult {
  comment: StickyCommentResult;
  markerKey: string;
  jobSummary?: JobSummaryResult;
  checkRun?: { id: number; url: string };
}

/** Posts or updates the plan comment (and, if asked, the job summary and check run). */
export async function publishPlan(options: PublishPlanOptions): Promise<PublishPlanResult> {
  const env = options.env ?? process.env;
  const token = resolveToken(env);
  const target = resolvePullRequestTarget({ repo: options.repo, pr: options.pr }, env);
  const client = await createGitHubClient({ token, baseUrl: resolveApiUrl(env) });
  const markerKey =
    options.marker ??
    markerKeyFor(resolve(options.projectDir ?? '.'), env.GITHUB_WORKSPACE ?? resolve(options.projectDir ?? '.'));
  const pointer = { runUrl: workflowRunUrl(env), artifactName: options.artifactName };
  const jobSummary = options.jobSummary
    ? writeJobSummary(options.markdown, { artifactName: options.artifactName, env })
    : undefined;
  const comment = await upsertStickyComment({ client, target, markdown: options.markdown, markerKey, pointer });
  const checkRun = options.check
    ? await publishCheck(options.check, { markdown: options.markdown, client, target, env, pointer })
    : undefined;
  return { comment, markerKey, jobSummary, checkRun };
}

async function publishCheck(
  check: NonNullable<PublishPlanOptions['check']>,
  {
    markdown,
    client,
    target,
    env,
    pointer,
  }: {
    markdown: string;
    client: GitHubClient;
    target: { owner: string; repo: string };
    env: ActionsEnv;
    pointer: { runUrl?: string; artifactName?: string };
  },
) {
  const headSha = resolveHeadSha(env);
  if (!headSha) {
    throw new WharfError(
      'No commit to attach the check run to: the event has no pull_request.head.sha and GITHUB_SHA is not set.',
      {
        code: 'github.sha-missing',
        errorClass: 'config',
        hint: 'Create check runs only inside GitHub Actions, or leave out --check.',
      },
    );
  }
  return publishCheckRun({
    client,
    target,
    headSha,
    name: check.name,
    title: check.headline,
    markdown,
    conclusion: check.conclusion,
    pointer,
  });
}
