import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../../test/support/fake-github.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const TOKEN = 'ghs_cliTokenMustStayHidden99';
let github: FakeGitHub;
let dir: string;

/** Runs `ingest ...` in a child process with only the given GitHub variables set. */
function ingest(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GITHUB_')));
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: dir, env: { ...base, ...env } },
      (err, stdout, stderr) =>
        done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr: unwrap(stderr) }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

/** oclif wraps error text to the terminal width behind ` ›` margins; join it back into one line. */
function unwrap(text: string): string {
  return text.replace(/\s*\n\s*›\s*/g, ' ');
}

beforeAll(async () => {
  github = await startFakeGitHub({ token: TOKEN });
  dir = mkdtempSync(join(tmpdir(), 'wharf-comment-'));
  writeFileSync(join(dir, 'event.json'), JSON.stringify({ pull_request: { number: 3, head: { sha: 'feed' } } }));
});
afterAll(() => github.close());

const env = () => ({
  GITHUB_TOKEN: TOKEN,
  GITHUB_API_URL: github.baseUrl,
  GITHUB_REPOSITORY: 'acme/warehouse',
  GITHUB_EVENT_PATH: join(dir, 'event.json'),
  GITHUB_WORKSPACE: dir,
});

describe('ingest comment', () => {
  it('posts markdown from standard input, then updates the same comment from a file', async () => {
    const first = await ingest(['comment'], env(), '## Plan\n\nno changes\n');
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^Created the plan comment \(wharf-plan\) on acme\/warehouse#3: /);
    writeFileSync(join(dir, 'plan.md'), '## Plan\n\n1 to add\n');
    writeFileSync(
      join(dir, 'plan.json'),
      JSON.stringify({ summary: { add: 1, change: 0, remove: 0, daysToLoad: 30 } }),
    );
    const second = await ingest(['comment', '--file', 'plan.md', '--plan-json', 'plan.json', '--json'], env());
    const result = JSON.parse(second.stdout);
    expect(result.comment.action).toBe('updated');
    expect(result.headline).toBe('1 to add, 0 to change, 0 to remove, 30 days to load');
    expect(github.comments('acme', 'warehouse', 3).map((c) => c.body)).toEqual([
      '<!-- wharf-plan -->\n## Plan\n\n1 to add',
    ]);
  });

  it('uses --repo, --pr and --marker over the environment', async () => {
    const run = await ingest(
      ['comment', '--repo', 'acme/other', '--pr', '12', '--marker', 'wharf-plan:billing'],
      { ...env(), GITHUB_EVENT_PATH: '' },
      'plan',
    );
    expect(run.code).toBe(0);
    expect(github.comments('acme', 'other', 12).map((c) => c.body)).toEqual(['<!-- wharf-plan:billing -->\nplan']);
  });

  it('exits 1 with a clear message when GITHUB_TOKEN is missing', async () => {
    const run = await ingest(['comment'], { ...env(), GITHUB_TOKEN: '' }, 'plan');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('GITHUB_TOKEN is not set');
    expect(run.stderr).toContain('permissions: pull-requests: write');
  });

  it('never prints a rejected token', async () => {
    const wrong = 'ghp_rejectedButSecret12345';
    const run = await ingest(['comment'], { ...env(), GITHUB_TOKEN: wrong }, 'plan');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HTTP 401');
    expect(run.stdout + run.stderr).not.toContain(wrong);
  });
});
