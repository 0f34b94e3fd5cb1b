/**
 * The one place Wharf builds its GitHub REST client. Octokit is given the token (registered as
 * a secret first), the API root (GitHub Enterprise Server and test fakes use their own), and a
 * quiet logger so that no request detail reaches the output.
 */
import type { Octokit } from '@octokit/rest';
import { registerSecret } from '../diagnostics/redact.js';
import { importOptional } from '../util/optional-import.js';

/** What a GitHub client needs. */
export interface GitHubClientOptions {
  token: string;
  /** REST API root, e.g. https://api.github.com or http://127.0.0.1:port in tests. */
  baseUrl: string;
}

/** The REST client type the github/ functions accept. */
export type GitHubClient = Octokit;

/** A REST client for `token` against `baseUrl`. */
export async function createGitHubClient({ token, baseUrl }: GitHubClientOptions): Promise<GitHubClient> {
  registerSecret(token);
  const { Octokit } = await importOptional(
    '@octokit/rest',
    'Posting to GitHub',
    () => import('@octokit/rest'),
    '@octokit/rest@21',
  );
  const silent = () => undefined;
  return new Octokit({
    auth: token,
    baseUrl,
    userAgent: 'wharf-ingest',
    log: { debug: silent, info: silent, warn: silent, error: silent },
  });
}
