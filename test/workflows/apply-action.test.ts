/**
 * The composite action's apply path, run with bash as the runner does, in a real Git checkout
 * with a local bare remote: the plan saved by the pull request's plan step is applied as it is,
 * status/state.json is committed and pushed (rebasing over a push that landed meanwhile), and a
 * reviewed plan the store has moved on from is refused with nothing applied.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { cloneRemote, commitAndPush, createRemote, git, type TempRemote } from '../support/git-remote.js';
import { recentStartDate } from '../support/example-project.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ACTION = join(ROOT, 'framework/templates/project/_github/actions/ingest/action.yml');
const steps = (
  parse(readFileSync(ACTION, 'utf8')) as { runs: { steps: Array<{ id?: string; name: string; run?: string }> } }
).runs.steps;
const script = (match: (s: { id?: string; name: string }) => boolean) => steps.find(match)!.run!;
const ingestStep = script((s) => s.id === 'ingest');
const commitStateStep = script((s) => s.name === 'Commit status/state.json');
const findPlanStep = script((s) => s.id === 'reviewed');
const TOKEN = 'ghs_applyStepToken1234567890';

let remote: TempRemote;
let checkout: string;
let temp: string;
let github: FakeGitHub;

/** A small project: one mapping over the last three days, so applies are quick. */
function projectFiles(): Record<string, string> {
  const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
  return {
    'package.json': '{ "private": true, "type": "module" }\n',
    '.gitignore': 'node_modules\n.wharf/\n',
    'wharf.config.ts': read('wharf.config.ts'),
    'sources/demo.ts': read('sources/demo.ts'),
    'schedules/daily.ts': read('schedules/daily.ts'),
    'mappings/daily_metrics.ts': read('mappings/daily_metrics.ts').replace(
      "startDate: '2026-10-01'",
      `startDate: '${recentStartDate(3)}'`,
    ),
    'mappings/daily_metrics.sql': read('mappings/daily_metrics.sql'),
  };
}

function runStep(
  run: string,
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(temp, `step-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, run);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GITHUB_')));
  return new Promise((done) => {
    execFile(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', file],
      { cwd, env: { ...base, NO_COLOR: '1', ...env } },
      (err, stdout, stderr) =>
        done({
          code: err ? Number((err as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr: stderr.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' '),
        }),
    );
  });
}

function runnerEnv(output: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: join(temp, output),
    GITHUB_REF_NAME: 'main',
    GITHUB_SHA: git(checkout, 'rev-parse', 'HEAD'),
    ...extra,
  };
}

/** The pull request's plan step, then its artifact as the apply job downloads it. */
async function reviewedPlan(): Promise<void> {
  const plan = await runStep(
    ingestStep,
    runnerEnv('plan-output.txt', { WHARF_COMMAND: 'plan', WHARF_STATE: 'repo' }),
    checkout,
  );
  expect(plan.code).toBe(0);
  mkdirSync(join(temp, 'wharf/reviewed'), { recursive: true });
  renameSync(join(temp, 'wharf/plan.json'), join(temp, 'wharf/reviewed/plan.json'));
}

beforeAll(async () => {
  github = await startFakeGitHub({ token: TOKEN });
  temp = mkdtempSync(join(tmpdir(), 'wharf-apply-action-'));
  mkdirSync(join(temp, 'wharf'));
  remote = createRemote(projectFiles());
  checkout = cloneRemote(remote, 'runner');
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
});
afterAll(async () => {
  remote.cleanup();
  await github.close();
});

describe('finding the reviewed plan of a pushed commit', () => {
  const find = (sha: string, output: string) =>
    runStep(
      findPlanStep,
      {
        GITHUB_OUTPUT: join(temp, output),
        GITHUB_SHA: sha,
        GITHUB_API_URL: github.baseUrl,
        GITHUB_REPOSITORY: 'acme/analytics',
        GH_TOKEN: TOKEN,
        PLAN_WORKFLOW: 'plan.yml',
      },
      temp,
    );

  it("picks the last successful plan run on the merged pull request's last commit", async () => {
    github.pulls.push({ number: 21, headSha: 'a1a1a1', mergeCommitSha: 'feed01' }, { number: 22, headSha: 'b2b2b2' });
    github.workflowRuns.push(
      { id: 5, workflow: 'plan.yml', headSha: 'a1a1a1', conclusion: 'success' },
      { id: 7, workflow: 'plan.yml', headSha: 'a1a1a1', conclusion: 'success' },
      { id: 8, workflow: 'plan.yml', headSha: 'a1a1a1', conclusion: 'failure' },
      { id: 9, workflow: 'plan.yml', headSha: 'c3c3c3', conclusion: 'success' },
      { id: 10, workflow: 'ci.yml', headSha: 'a1a1a1', conclusion: 'success' },
    );
    const r = await find('feed01', 'find-1.txt');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Applying the plan of pull request #21, saved by run 7 of plan.yml.');
    expect(readFileSync(join(temp, 'find-1.txt'), 'utf8')).toBe('pr=21\nrun-id=7\n');
  });

  it('fails, saying why, for a commit pushed without a pull request', async () => {
    const r = await find('d4d4d4', 'find-2.txt');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '::error title=Wharf::commit d4d4d4 did not come from a merged pull request, so no plan was reviewed for it.',
    );
  });

  it('fails when the pull request has no successful plan run for its last commit', async () => {
    github.pulls.push({ number: 23, headSha: 'e5e5e5', mergeCommitSha: 'feed03' });
    github.workflowRuns.push({ id: 11, workflow: 'plan.yml', headSha: 'e5e5e5', conclusion: 'failure' });
    const r = await find('feed03', 'find-3.txt');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '::error title=Wharf::pull request #23 has no successful plan.yml run for its last commit (e5e5e5)',
    );
  });
});

describe('the ingest action on merge (apply-plan: reviewed)', () => {
  it('applies the plan reviewed on the pull request, made before anything was applied', async () => {
    await reviewedPlan();
    const apply = await runStep(
      ingestStep,
      runnerEnv('apply-output.txt', { WHARF_COMMAND: 'apply', WHARF_APPLY_PLAN: 'reviewed' }),
      checkout,
    );
    expect(apply.stderr).not.toContain('stale');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('Apply complete: 1 added, 0 changed, 0 removed (state serial 1).');
    expect(readFileSync(join(temp, 'apply-output.txt'), 'utf8')).toBe('exit-code=0\n');
  });

  it('commits status/state.json and pushes it, rebasing over a push that landed meanwhile', async () => {
    const other = cloneRemote(remote, 'colleague');
    commitAndPush(other, 'main', { 'README.md': '# analytics\n' }, 'docs: readme');
    const sha = git(checkout, 'rev-parse', 'HEAD');
    const step = await runStep(commitStateStep, runnerEnv('commit-output.txt'), checkout);
    expect(step.code).toBe(0);
    expect(step.stdout).toContain('Pushed status/state.json.');
    git(other, 'pull', '-q', '--rebase', 'origin', 'main');
    expect(git(other, 'log', '-1', '--format=%s')).toBe(`status: applied state after ${sha.slice(0, 7)}`);
    expect(git(other, 'show', '--name-only', '--format=', 'HEAD')).toBe('status/state.json');
    const snapshot = JSON.parse(readFileSync(join(other, 'status/state.json'), 'utf8')) as {
      serial: number;
      ingestions: Record<string, unknown>;
    };
    expect(snapshot.serial).toBe(1);
    expect(Object.keys(snapshot.ingestions)).toEqual(['daily_metrics']);
  });

  it('refuses a reviewed plan once another apply moved the store on, and applies nothing', async () => {
    cpSync(join(checkout, 'mappings/daily_metrics.sql'), join(temp, 'original.sql'));
    writeFileSync(
      join(checkout, 'mappings/daily_metrics.sql'),
      `${readFileSync(join(temp, 'original.sql'), 'utf8')}-- reviewed\n`,
    );
    await reviewedPlan();
    // Another apply (by hand, here) lands before this merge is applied.
    const other = await runStep(
      ingestStep,
      runnerEnv('other-output.txt', { WHARF_COMMAND: 'apply', WHARF_APPLY_PLAN: 'new' }),
      checkout,
    );
    expect(other.stdout).toContain('Apply complete: 0 added, 1 changed, 0 removed (state serial 2).');
    const apply = await runStep(
      ingestStep,
      runnerEnv('stale-output.txt', { WHARF_COMMAND: 'apply', WHARF_APPLY_PLAN: 'reviewed' }),
      checkout,
    );
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(
      'is stale: the state changed since it was made (serial 1 then, 2 now). Nothing was applied.',
    );
    expect(readFileSync(join(temp, 'stale-output.txt'), 'utf8')).toBe('exit-code=1\n');
  });
});
