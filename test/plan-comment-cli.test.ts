/**
 * `ingest plan --comment` as a workflow runs it: the real CLI in a child process, a temp copy of
 * the example project with a fresh store, and the local GitHub fake. The first run creates the
 * sticky comment; the next, after a config change, updates that same comment in place.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from './support/fake-github.js';
import { editFile, REPO_ROOT, tempExampleProject } from './support/example-project.js';

const BIN = join(REPO_ROOT, 'framework/bin/run.js');
const TOKEN = 'ghs_planCommentTokenStaysHidden7';
let github: FakeGitHub;
let root: string;

/** Runs `ingest ...` asynchronously (the fake answers from this process) with only the given GitHub variables. */
function ingest(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GITHUB_')));
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: root, env: { ...base, NO_COLOR: '1', ...env } },
      (err, stdout, stderr) =>
        done({
          code: err ? Number((err as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr: stderr.replace(/\s*\n\s*›\s*/g, ' '),
        }),
    );
  });
}

const env = () => ({
  GITHUB_TOKEN: TOKEN,
  GITHUB_API_URL: github.baseUrl,
  GITHUB_REPOSITORY: 'acme/warehouse',
  GITHUB_EVENT_PATH: join(root, 'event.json'),
  GITHUB_WORKSPACE: root,
  GITHUB_STEP_SUMMARY: join(root, 'summary.md'),
});

beforeAll(async () => {
  github = await startFakeGitHub({ token: TOKEN });
  root = tempExampleProject();
  writeFileSync(join(root, 'event.json'), JSON.stringify({ pull_request: { number: 7, head: { sha: 'c0ffee' } } }));
  writeFileSync(join(root, 'summary.md'), '');
});
afterAll(() => github.close());

describe('ingest plan --comment', () => {
  it('creates the sticky comment holding exactly the markdown plan it prints', async () => {
    const run = await ingest(['plan', '--comment', '--format', 'markdown'], env());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\*\*Plan: 3 to add, 0 to change, 0 to remove, \d+ days to load\.\*\*/);
    expect(run.stderr).toMatch(/^Created the plan comment \(wharf-plan\) on acme\/warehouse#7: /);
    const comments = github.comments('acme', 'warehouse', 7);
    expect(comments.map((c) => c.body)).toEqual([`<!-- wharf-plan -->\n${run.stdout.trimEnd()}`]);
  });

  it('updates that comment in place after a config change, with the job summary and check run', async () => {
    const [first] = github.comments('acme', 'warehouse', 7);
    const firstBody = first.body; // the fake edits its comment objects in place
    editFile(root, 'mappings/daily_metrics.ts', (ts) =>
      ts.replace("startDate: '2026-10-01'", "startDate: '2026-11-01'"),
    );
    const run = await ingest(
      ['plan', '--comment', '--job-summary', '--check', 'Wharf plan', '--detailed-exitcode', '--json'],
      env(),
    );
    expect(run.code).toBe(2);
    const plan = JSON.parse(run.stdout) as { summary: { add: number; daysToLoad: number } };
    const headline = `3 to add, 0 to change, 0 to remove, ${plan.summary.daysToLoad} days to load`;
    expect(run.stderr).toBe(''); // --json: standard output is the plan document alone
    const comments = github.comments('acme', 'warehouse', 7);
    expect(comments.map((c) => c.id)).toEqual([first.id]);
    expect(github.requests.filter((r) => r.method === 'PATCH').map((r) => r.url)).toEqual([
      `/repos/acme/warehouse/issues/comments/${first.id}`,
    ]);
    expect(comments[0].body).toContain('daily_metrics');
    expect(comments[0].body).toContain('2026-11-01');
    expect(comments[0].body).not.toBe(firstBody);
    expect(firstBody).not.toContain('2026-11-01');
    expect(readFileSync(join(root, 'summary.md'), 'utf8')).toContain('2026-11-01');
    expect(github.checkRuns.map((c) => [c.name, c.head_sha, (c.output as { title: string }).title])).toEqual([
      ['Wharf plan', 'c0ffee', headline],
    ]);
  });

  it('prints the plan, then fails with a clear message when there is no pull request to comment on', async () => {
    const run = await ingest(['plan', '--comment'], { ...env(), GITHUB_EVENT_PATH: '' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Plan: 3 to add');
    expect(run.stderr).toContain('No pull request number');
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });
});
