import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../test/support/fake-github.js';
import { WharfError } from '../diagnostics/errors.js';
import { publishPlan } from './publish-plan.js';

const TOKEN = 'ghs_fakeTokenValue1234567890';
let github: FakeGitHub;
let dir: string;

function actionsEnv(extra: Record<string, string> = {}): Record<string, string> {
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify({ pull_request: { number: 7, head: { sha: 'abc123' } } }));
  return {
    GITHUB_TOKEN: TOKEN,
    GITHUB_API_URL: github.baseUrl,
    GITHUB_REPOSITORY: 'acme/warehouse',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '555',
    GITHUB_WORKSPACE: dir,
    ...extra,
  };
}

beforeEach(async () => {
  github = await startFakeGitHub({ token: TOKEN, maxPerPage: 2 });
  dir = mkdtempSync(join(tmpdir(), 'wharf-gh-'));
});
afterEach(() => github.close());

describe('publishPlan sticky comment', () => {
  it('creates one marked comment on the first run', async () => {
    const result = await publishPlan({ markdown: '## Plan: 1 to add', projectDir: dir, env: actionsEnv() });
    const comments = github.comments('acme', 'warehouse', 7);
    expect(result.comment.action).toBe('created');
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toBe('<!-- wharf-plan -->\n## Plan: 1 to add');
    expect(result.comment.commentId).toBe(comments[0].id);
  });

  it('updates the same comment in place on later runs, past other comments on later pages', async () => {
    for (let i = 0; i < 5; i++) github.seedComment('acme', 'warehouse', 7, `review note ${i}`, 'alice');
    const env = actionsEnv();
    const first = await publishPlan({ markdown: 'plan v1', projectDir: dir, env });
    github.seedComment('acme', 'warehouse', 7, 'another note', 'bob');
    const second = await publishPlan({ markdown: 'plan v2', projectDir: dir, env });
    const third = await publishPlan({ markdown: 'plan v3', projectDir: dir, env });
    const again = await publishPlan({ markdown: 'plan v3', projectDir: dir, env });
    const marked = github.comments('acme', 'warehouse', 7).filter((c) => c.body.includes('<!-- wharf-plan -->'));
    expect(marked).toHaveLength(1);
    expect(marked[0].body).toBe('<!-- wharf-plan -->\nplan v3');
    expect([second.comment.action, third.comment.action, again.comment.action]).toEqual([
      'updated',
      'updated',
      'unchanged',
    ]);
    expect(third.comment.commentId).toBe(first.comment.commentId);
    expect(github.comments('acme', 'warehouse', 7)).toHaveLength(7);
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('keeps one comment per project folder when several projects share a repository', async () => {
    const env = actionsEnv();
    await publishPlan({ markdown: 'root plan', projectDir: dir, env });
    await publishPlan({ markdown: 'analytics plan', projectDir: join(dir, 'analytics'), env });
    await publishPlan({ markdown: 'analytics plan v2', projectDir: join(dir, 'analytics'), env });
    const bodies = github.comments('acme', 'warehouse', 7).map((c) => c.body);
    expect(bodies).toEqual(['<!-- wharf-plan -->\nroot plan', '<!-- wharf-plan:analytics -->\nanalytics plan v2']);
  });

  it('removes duplicate marked comments a race left behind', async () => {
    const a = github.seedComment('acme', 'warehouse', 7, '<!-- wharf-plan -->\nold a');
    github.seedComment('acme', 'warehouse', 7, '<!-- wharf-plan -->\nold b');
    const result = await publishPlan({ markdown: 'fresh', projectDir: dir, env: actionsEnv() });
    expect(github.comments('acme', 'warehouse', 7).map((c) => [c.id, c.body])).toEqual([
      [a.id, '<!-- wharf-plan -->\nfresh'],
    ]);
    expect(result.comment.removedDuplicates).toHaveLength(1);
  });

  it('cuts an oversize plan to the limit with a pointer to the job summary and artifact', async () => {
    const section = (i: number) =>
      `<details><summary>mapping_${i}</summary>\n\n\`\`\`diff\n${'+ select 1 as x\n'.repeat(60)}\`\`\`\n\n</details>\n`;
    const markdown = `**Plan:** 300 to add\n\n${Array.from({ length: 300 }, (_, i) => section(i)).join('\n')}`;
    expect(markdown.length).toBeGreaterThan(200_000);
    const result = await publishPlan({ markdown, projectDir: dir, artifactName: 'wharf-plan', env: actionsEnv() });
    const [comment] = github.comments('acme', 'warehouse', 7);
    expect(result.comment.truncated).toBe(true);
    expect(result.comment.originalLength).toBe(markdown.trimEnd().length);
    expect(comment.body.length).toBeLessThanOrEqual(65_535);
    expect(comment.body.length).toBeGreaterThan(60_000);
    expect(comment.body).toContain('This plan is cut short');
    expect(comment.body).toContain('[job summary](https://github.example/acme/warehouse/actions/runs/555)');
    expect(comment.body).toContain('`wharf-plan` artifact');
    expect(comment.body.match(/```/g)!.length % 2).toBe(0);
    expect(comment.body.match(/<details>/g)!.length).toBe(comment.body.match(/<\/details>/g)!.length);
  });

  it('fails with a clear error naming GITHUB_TOKEN and the permission when the token is missing', async () => {
    const env = actionsEnv({ GITHUB_TOKEN: '' });
    const error = await publishPlan({ markdown: 'plan', env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WharfError);
    expect((error as WharfError).code).toBe('github.token-missing');
    expect((error as WharfError).message).toContain('GITHUB_TOKEN is not set');
    expect((error as WharfError).hint).toContain('permissions: pull-requests: write');
    expect(github.requests).toHaveLength(0);
  });

  it('reports a rejected token without printing it', async () => {
    const wrong = 'ghp_wrongTokenNeverShown42';
    const error = (await publishPlan({ markdown: 'plan', env: actionsEnv({ GITHUB_TOKEN: wrong }) }).catch(
      (e: unknown) => e,
    )) as WharfError;
    expect(error.code).toBe('github.unauthorized');
    expect(error.message).toContain('HTTP 401');
    expect(`${error.message} ${error.hint}`).not.toContain(wrong);
  });

  it('asks for --pr when the run is not for a pull request', async () => {
    const eventPath = join(dir, 'push.json');
    writeFileSync(eventPath, JSON.stringify({ ref: 'refs/heads/main' }));
    const env = actionsEnv({ GITHUB_EVENT_PATH: eventPath, GITHUB_EVENT_NAME: 'push' });
    await expect(publishPlan({ markdown: 'plan', env })).rejects.toThrow(
      /no pull_request.number \(this run is for a "push" event\)/,
    );
    const result = await publishPlan({ markdown: 'plan', pr: 9, repo: 'acme/other', env });
    expect(github.comments('acme', 'other', 9)).toHaveLength(1);
    expect(result.comment.target).toEqual({ owner: 'acme', repo: 'other', number: 9 });
  });

  it('writes the job summary and a check run titled with the plan headline', async () => {
    const summaryPath = join(dir, 'summary.md');
    writeFileSync(summaryPath, '');
    const env = actionsEnv({ GITHUB_STEP_SUMMARY: summaryPath });
    const check = {
      name: 'Wharf plan',
      headline: '1 to add, 0 to change, 0 to remove, 30 days to load',
      conclusion: 'success' as const,
    };
    const result = await publishPlan({ markdown: '## Plan\nbody', projectDir: dir, jobSummary: true, check, env });
    expect(readFileSync(summaryPath, 'utf8')).toBe('## Plan\nbody\n\n');
    expect(result.checkRun?.id).toBe(1);
    expect(github.checkRuns[0]).toMatchObject({
      name: 'Wharf plan',
      head_sha: 'abc123',
      status: 'completed',
      conclusion: 'success',
      output: { title: check.headline, summary: '## Plan\nbody' },
    });
  });
});
