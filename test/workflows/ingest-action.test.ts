import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { editFile, tempExampleProject } from '../support/example-project.js';

/**
 * Runs the composite action's own shell steps with bash, as the runner does, against the local
 * GitHub fake: the glue between the workflow and the CLI is tested for real, not read.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const TOKEN = 'ghs_actionStepToken0987654321';
const steps = (
  parse(readFileSync(join(ROOT, '.github/actions/ingest/action.yml'), 'utf8')) as {
    runs: { steps: Array<{ id?: string; name: string; run?: string }> };
  }
).runs.steps;
const script = (match: (s: { id?: string; name: string }) => boolean) => steps.find(match)!.run!;

let github: FakeGitHub;
let dir: string;

function runStep(
  run: string,
  env: Record<string, string>,
  cwd = ROOT,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(dir, `step-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, run);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GITHUB_')));
  return new Promise((done) => {
    execFile(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', file],
      { cwd, env: { ...base, ...env } },
      (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function runnerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: join(dir, 'output.txt'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_TOKEN: TOKEN,
    GITHUB_API_URL: github.baseUrl,
    GITHUB_REPOSITORY: 'acme/warehouse',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_WORKSPACE: ROOT,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '77',
    WHARF_COMMENT: 'sticky',
    WHARF_CHECK: 'Wharf plan',
    WHARF_ARTIFACT: 'wharf-plan',
    IS_PULL_REQUEST: 'true',
    ...extra,
  };
}

function writePlan(markdown: string, summary: Record<string, number>) {
  writeFileSync(join(dir, 'wharf', 'plan.md'), markdown);
  writeFileSync(join(dir, 'wharf', 'plan-output.json'), JSON.stringify({ summary }));
}

beforeAll(async () => {
  github = await startFakeGitHub({ token: TOKEN });
  dir = mkdtempSync(join(tmpdir(), 'wharf-action-'));
  mkdirSync(join(dir, 'wharf'));
  writeFileSync(join(dir, 'event.json'), JSON.stringify({ pull_request: { number: 21, head: { sha: 'c0ffee' } } }));
});
afterAll(() => github.close());

describe('the ingest action validate step', () => {
  it('validates the example project and records exit code 0', async () => {
    const output = join(dir, 'validate-output.txt');
    const run = await runStep(
      script((s) => s.id === 'validate'),
      runnerEnv({ GITHUB_OUTPUT: output }),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('configuration is valid');
    expect(readFileSync(output, 'utf8')).toBe('exit-code=0\n');
  });
});

describe('the ingest action validate step with check-queries', () => {
  it("describes each mapping's query on its source: a query missing a mapped column fails, as it does not without the input", async () => {
    const project = tempExampleProject();
    editFile(project, 'mappings/daily_metrics.sql', (sql) => sql.replace('metric, value', 'metric, value AS amount'));
    const validate = script((s) => s.id === 'validate');
    const without = await runStep(validate, runnerEnv({ GITHUB_OUTPUT: join(dir, 'unchecked.txt') }), project);
    expect(without.code).toBe(0);
    expect(without.stdout).toContain('No query was run');

    const output = join(dir, 'checked.txt');
    const checked = await runStep(validate, runnerEnv({ GITHUB_OUTPUT: output, WHARF_CHECK_QUERIES: 'true' }), project);
    expect(checked.code).toBe(1);
    expect(readFileSync(output, 'utf8')).toBe('summary=invalid configuration\nexit-code=1\n');
    const report = readFileSync(join(dir, 'wharf', 'plan.md'), 'utf8');
    expect(report).toContain('mappings/daily_metrics.ts');
    expect(report).toContain("does not return: metric_value → 'value'");
    expect(report).toContain('The query returns: unit_id, id_type, ds, metric, amount.');
  }, 60_000);
});

describe('the ingest action plan step', () => {
  it('records exit code 2 for a plan with changes, keeps the plan JSON one document, and does not fail', async () => {
    const project = tempExampleProject();
    const output = join(dir, 'ingest-output.txt');
    const run = await runStep(
      script((s) => s.id === 'ingest'),
      runnerEnv({ GITHUB_OUTPUT: output, WHARF_COMMAND: 'plan', WHARF_STATE: 'store' }),
      project,
    );
    expect(run.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(`plan-file=${join(dir, 'wharf', 'plan.md')}\nexit-code=2\n`);
    const plan = JSON.parse(readFileSync(join(dir, 'wharf', 'plan-output.json'), 'utf8')) as {
      summary: { add: number };
    };
    expect(plan.summary.add).toBe(3);
    expect(readFileSync(join(dir, 'wharf', 'plan.md'), 'utf8')).toMatch(
      /^\*\*Plan: 3 to add, 0 to change, 0 to remove, \d+ days to load\.\*\*/,
    );
  }, 60_000);
});

describe('the ingest action publish step', () => {
  it('comments, writes the job summary, titles a check and sets the summary output; later runs update in place', async () => {
    writePlan('**Plan:** 1 to add\n', { add: 1, change: 0, remove: 0, daysToLoad: 30 });
    const first = await runStep(
      script((s) => s.id === 'publish'),
      runnerEnv(),
    );
    // npm may warn about the machine's own npm config; nothing else may reach stderr.
    expect(first.stderr.split('\n').filter((l) => l && !l.startsWith('npm warn'))).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('::notice title=Wharf plan::1 to add, 0 to change, 0 to remove, 30 days to load');
    expect(readFileSync(join(dir, 'output.txt'), 'utf8')).toBe(
      'summary=1 to add, 0 to change, 0 to remove, 30 days to load\n',
    );
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('**Plan:** 1 to add');
    expect(github.checkRuns.map((r) => [r.name, (r.output as { title: string }).title, r.head_sha])).toEqual([
      ['Wharf plan', '1 to add, 0 to change, 0 to remove, 30 days to load', 'c0ffee'],
    ]);

    writePlan('**Plan:** no changes\n', { add: 0, change: 0, remove: 0, daysToLoad: 0 });
    const second = await runStep(
      script((s) => s.id === 'publish'),
      runnerEnv({ GITHUB_OUTPUT: join(dir, 'output2.txt') }),
    );
    expect(second.code).toBe(0);
    expect(readFileSync(join(dir, 'output2.txt'), 'utf8')).toBe('summary=no changes\n');
    expect(github.comments('acme', 'warehouse', 21).map((c) => c.body)).toEqual([
      '<!-- wharf-plan -->\n**Plan:** no changes',
    ]);
  });

  it('only writes the job summary when commenting is off', async () => {
    const before = github.requests.length;
    writePlan('**Plan:** no changes\n', { add: 0, change: 0, remove: 0, daysToLoad: 0 });
    const summaryPath = join(dir, 'summary-off.md');
    const run = await runStep(
      script((s) => s.id === 'publish'),
      runnerEnv({ WHARF_COMMENT: 'off', GITHUB_TOKEN: '', GITHUB_STEP_SUMMARY: summaryPath }),
    );
    expect(run.code).toBe(0);
    expect(readFileSync(summaryPath, 'utf8')).toBe('**Plan:** no changes\n\n');
    expect(github.requests.length).toBe(before);
  });

  it('replaces the comment with the validation report when the configuration is invalid', async () => {
    writeFileSync(
      join(dir, 'wharf', 'plan.md'),
      '### Wharf: invalid configuration\n\n```text\nmappings/x.ts: unknown source "nope"\n```\n',
    );
    const run = await runStep(
      script((s) => s.name === 'Report the invalid configuration'),
      runnerEnv(),
    );
    expect(run.code).toBe(0);
    expect(github.comments('acme', 'warehouse', 21).map((c) => c.body)).toEqual([
      '<!-- wharf-plan -->\n### Wharf: invalid configuration\n\n```text\nmappings/x.ts: unknown source "nope"\n```',
    ]);
  });
});
