/**
 * Turns a failed GitHub API call into a WharfError that says what to fix. The token is
 * redacted from anything that is passed on, and the HTTP status decides the advice.
 */
import type { WharfErrorCode } from '../diagnostics/error-codes.js';
import { WharfError } from '../diagnostics/errors.js';
import { redactSecrets } from '../diagnostics/redact.js';

const ADVICE: Record<number, { code: WharfErrorCode; hint: string }> = {
  401: {
    code: 'github.unauthorized',
    hint: 'GitHub rejected GITHUB_TOKEN: check that the secret holds a valid, unexpired token.',
  },
  403: {
    code: 'github.forbidden',
    hint: 'The token may not do this. Give the job `permissions: pull-requests: write` (and `checks: write` for check runs); pull requests from forks get a read-only token.',
  },
  404: {
    code: 'github.not-found',
    hint: 'Check the repository (--repo or GITHUB_REPOSITORY) and the pull request number (--pr), and that the token can see the repository.',
  },
  422: { code: 'github.rejected', hint: 'GitHub refused the content; the message above says which field.' },
};

/** Wraps an Octokit RequestError (or any error) raised while `doing` something. */
export function gitHubApiError(err: unknown, doing: string): WharfError {
  const status =
    typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : undefined;
  const detail = redactSecrets(err instanceof Error ? err.message : String(err));
  const advice = status !== undefined ? ADVICE[status] : undefined;
  const transient = status === undefined || status >= 500 || status === 429;
  return new WharfError(`GitHub API error while ${doing}${status ? ` (HTTP ${status})` : ''}: ${detail}`, {
    code: advice?.code ?? (transient ? 'github.unavailable' : 'github.error'),
    errorClass: status === 401 || status === 403 ? 'auth' : 'connection',
    transient,
    hint: advice?.hint ?? 'Check that the GitHub API (GITHUB_API_URL) is reachable and try again.',
  });
}
