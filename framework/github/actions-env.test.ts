import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../diagnostics/redact.js';
import { resolveApiUrl, resolvePullRequestTarget, resolveToken, workflowRunUrl } from './actions-env.js';
import { markerKeyFor } from './marker.js';

function eventFile(payload: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'wharf-event-')), 'event.json');
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

describe('the GitHub Actions environment', () => {
  it('takes the pull request from a pull_request or an issue_comment event', () => {
    const env = { GITHUB_REPOSITORY: 'acme/wh' };
    expect(
      resolvePullRequestTarget({}, { ...env, GITHUB_EVENT_PATH: eventFile({ pull_request: { number: 4 } }) }),
    ).toEqual({ owner: 'acme', repo: 'wh', number: 4 });
    const comment = eventFile({ issue: { number: 8, pull_request: { url: 'x' } } });
    expect(resolvePullRequestTarget({}, { ...env, GITHUB_EVENT_PATH: comment }).number).toBe(8);
    const plainIssue = eventFile({ issue: { number: 9 } });
    expect(() => resolvePullRequestTarget({}, { ...env, GITHUB_EVENT_PATH: plainIssue })).toThrow(
      /no pull_request.number/,
    );
  });

  it('names the flag to use for a missing or malformed repository', () => {
    expect(() => resolvePullRequestTarget({ pr: 1 }, {})).toThrow(
      'No repository given and GITHUB_REPOSITORY is not set.',
    );
    expect(() => resolvePullRequestTarget({ pr: 1, repo: 'just-a-name' }, {})).toThrow(
      'Repository "just-a-name" is not of the form owner/name.',
    );
  });

  it('registers the token as a secret so messages never show it', () => {
    const token = resolveToken({ GITHUB_TOKEN: ' ghs_registeredSecret777 ' });
    expect(token).toBe('ghs_registeredSecret777');
    expect(redactSecrets(`bad token ${token}`)).toBe('bad token ***');
  });

  it('links the run page, with the attempt when it is a re-run, and uses GITHUB_API_URL', () => {
    const env = { GITHUB_SERVER_URL: 'https://ghe.example/', GITHUB_REPOSITORY: 'acme/wh', GITHUB_RUN_ID: '5' };
    expect(workflowRunUrl(env)).toBe('https://ghe.example/acme/wh/actions/runs/5');
    expect(workflowRunUrl({ ...env, GITHUB_RUN_ATTEMPT: '2' })).toBe(
      'https://ghe.example/acme/wh/actions/runs/5/attempts/2',
    );
    expect(workflowRunUrl({})).toBeUndefined();
    expect(resolveApiUrl({ GITHUB_API_URL: 'https://ghe.example/api/v3/' })).toBe('https://ghe.example/api/v3');
    expect(resolveApiUrl({})).toBe('https://api.github.com');
  });

  it('gives a project below the repository root its own marker', () => {
    expect(markerKeyFor('/repo', '/repo')).toBe('wharf-plan');
    expect(markerKeyFor('/repo/teams/billing', '/repo')).toBe('wharf-plan:teams/billing');
    expect(markerKeyFor('/elsewhere', '/repo')).toBe('wharf-plan');
  });
});
