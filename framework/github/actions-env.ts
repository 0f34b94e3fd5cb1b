/**
 * Where a GitHub call goes, read from the GitHub Actions environment (or explicit options, so
 * the same code works from a laptop): the token, the API address, the repository and the pull
 * request. Every problem is a WharfError that says which variable or flag to set.
 */
import { readFileSync } from 'node:fs';
import { WharfError } from '../diagnostics/errors.js';
import { registerSecret } from '../diagnostics/redact.js';

/** The environment variables GitHub Actions sets that Wharf reads. */
export type ActionsEnv = Record<string, string | undefined>;

/** One pull request of one repository: the thread a sticky comment lives in. */
export interface PullRequestTarget {
  owner: string;
  repo: string;
  number: number;
}

/** What the caller may pass instead of relying on the environment. */
export interface TargetOptions {
  /** `owner/name`; default GITHUB_REPOSITORY. */
  repo?: string;
  /** Pull request number; default pull_request.number of the event in GITHUB_EVENT_PATH. */
  pr?: number;
}

const DEFAULT_API_URL = 'https://api.github.com';
const REPO_PATTERN = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

/** The token from GITHUB_TOKEN, registered as a secret so no message can print it. */
export function resolveToken(env: ActionsEnv = process.env): string {
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) {
    throw new WharfError('GITHUB_TOKEN is not set, so Wharf cannot post to the pull request.', {
      code: 'github.token-missing',
      errorClass: 'auth',
      hint:
        'In GitHub Actions pass the token to the step (env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}) and give the job ' +
        '`permissions: pull-requests: write`. Outside Actions, export GITHUB_TOKEN with a token that may write pull request comments.',
    });
  }
  registerSecret(token);
  return token;
}

/** The REST API root: GITHUB_API_URL (set by Actions, also on GitHub Enterprise Server) or github.com's. */
export function resolveApiUrl(env: ActionsEnv = process.env): string {
  return (env.GITHUB_API_URL?.trim() || DEFAULT_API_URL).replace(/\/+$/, '');
}

/** The repository and pull request number from options first, then the Actions environment. */
export function resolvePullRequestTarget(
  options: TargetOptions = {},
  env: ActionsEnv = process.env,
): PullRequestTarget {
  const { owner, repo } = parseRepository(options.repo ?? env.GITHUB_REPOSITORY);
  const number = options.pr ?? pullRequestNumberFromEvent(env);
  if (!Number.isInteger(number) || number <= 0) {
    throw new WharfError(`Pull request number must be a positive whole number, got ${number}.`, {
      code: 'github.pr-invalid',
      errorClass: 'config',
      hint: 'Pass --pr with the pull request number, e.g. --pr 42.',
    });
  }
  return { owner, repo, number };
}

/** Splits `owner/name`, with a clear error when it is missing or malformed. */
export function parseRepository(value: string | undefined): { owner: string; repo: string } {
  if (!value) {
    throw new WharfError('No repository given and GITHUB_REPOSITORY is not set.', {
      code: 'github.repo-missing',
      errorClass: 'config',
      hint: 'Pass --repo owner/name, or run inside GitHub Actions where GITHUB_REPOSITORY is set.',
    });
  }
  const match = REPO_PATTERN.exec(value.trim());
  if (!match) {
    throw new WharfError(`Repository "${value}" is not of the form owner/name.`, {
      code: 'github.repo-invalid',
      errorClass: 'config',
      hint: 'Pass --repo owner/name, e.g. --repo acme/analytics.',
    });
  }
  return { owner: match[1], repo: match[2] };
}

/** Reads the event payload Actions wrote to GITHUB_EVENT_PATH, or undefined when there is none. */
export function readEventPayload(env: ActionsEnv = process.env): Record<string, unknown> | undefined {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new WharfError(
      `Cannot read the GitHub event payload at GITHUB_EVENT_PATH (${path}): ${(err as Error).message}`,
      {
        code: 'github.event-unreadable',
        errorClass: 'config',
        hint: 'Pass --pr with the pull request number instead.',
        cause: err,
      },
    );
  }
}

/** The pull request of a pull_request / pull_request_target / issue_comment event. */
function pullRequestNumberFromEvent(env: ActionsEnv): number {
  const event = readEventPayload(env);
  const pr = event?.pull_request as { number?: unknown } | undefined;
  const issue = event?.issue as { number?: unknown; pull_request?: unknown } | undefined;
  const number = pr?.number ?? (issue?.pull_request ? issue.number : undefined);
  if (typeof number === 'number') return number;
  const eventName = env.GITHUB_EVENT_NAME ? ` (this run is for a "${env.GITHUB_EVENT_NAME}" event)` : '';
  throw new WharfError(`No pull request number: the GitHub event has no pull_request.number${eventName}.`, {
    code: 'github.pr-missing',
    errorClass: 'config',
    hint: 'Run this on pull_request events, or pass --pr with the pull request number.',
  });
}

/** The head commit of the pull request in the event, for check runs (GITHUB_SHA is the merge commit). */
export function resolveHeadSha(env: ActionsEnv = process.env): string | undefined {
  const event = readEventPayload(env);
  const head = (event?.pull_request as { head?: { sha?: unknown } } | undefined)?.head;
  if (typeof head?.sha === 'string') return head.sha;
  return env.GITHUB_SHA || undefined;
}

/** The link to this workflow run's page, where the job summary is shown; undefined outside Actions. */
export function workflowRunUrl(env: ActionsEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: runId } = env;
  if (!server || !repo || !runId) return undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  return `${server.replace(/\/+$/, '')}/${repo}/actions/runs/${runId}${attempt}`;
}
