/**
 * The plan/apply commands as a user runs them: exit codes, refusals and the DuckDB
 * one-process-per-file lock, on a temp copy of the example project.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { editFile, REPO_ROOT, startMappingsRecently, tempExampleProject } from './support/example-project.js';

let root: string;
/** The mappings' start: a week before the latest complete day, so applying loads a week. */
let start: string;

function ingest(...args: string[]) {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'framework/bin/run.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  // oclif wraps error messages with ' ›' margins: unwrap them for matching.
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' '),
  };
}

/** Runs `ingest` without blocking the test; `waitFor` resolves once stderr shows the given text. */
function ingestAsync(...args: string[]) {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'framework/bin/run.js'), ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  const seen: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => {
    stderr += String(d);
    for (const w of seen.filter((w) => stderr.includes(w.text))) w.resolve();
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((r) =>
    child.on('close', (code) => r({ code, stdout, stderr })),
  );
  const waitFor = (text: string) =>
    new Promise<void>((resolve, reject) => {
      if (stderr.includes(text)) return resolve();
      seen.push({ text, resolve });
      void exited.then((e) =>
        reject(new Error(`ingest ${args.join(' ')} exited ${e.code} before printing "${text}": ${e.stderr}`)),
      );
    });
  return { exited, waitFor };
}

/**
 * Starts a process that holds the store; resolves once it holds it. It keeps the store until
 * `release()` (an event the test sends), so a slow CLI start-up cannot outlast the hold.
 */
function holdStore(): Promise<{ pid: number; release: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/support/hold-store.ts'), root], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const done = new Promise<void>((r) => child.on('exit', () => r()));
  const release = () => {
    child.stdin.end('release\n');
    return done;
  };
  return new Promise((resolve) =>
    child.stdout.on('data', (d) => String(d).includes('ready') && resolve({ pid: child.pid as number, release })),
  );
}

describe('ingest plan / apply commands', () => {
  beforeAll(() => {
    root = tempExampleProject();
    start = startMappingsRecently(root, 7);
  });

  it('exits 2 with --detailed-exitcode when there are changes', () => {
    const r = ingest('plan', '--detailed-exitcode');
    expect(r.stdout).toContain('Plan: 3 to add, 0 to change, 0 to remove');
    expect(r.code).toBe(2);
  });

  it('applies through the engine: every day loaded, the config recorded; then no changes (exit 0)', () => {
    const r = ingest('apply', '--auto-approve');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Apply complete: 3 added, 0 changed, 0 removed (state serial 1).');
    expect(r.stdout).toMatch(new RegExp(`✓ backfill daily_metrics ${start} → \\d{4}-\\d{2}-\\d{2}`));
    // Off a terminal: one line per loaded day on stdout, nothing on stderr.
    expect(r.stdout.match(new RegExp(`^daily_metrics ${start} succeeded `, 'gm'))).toHaveLength(1);
    // Seven days, or eight if a day ended since the copy was made.
    expect(r.stdout.match(/^daily_metrics \d{4}-\d{2}-\d{2} succeeded /gm)?.length).toBeOneOf([7, 8]);
    expect(r.stderr).toBe('');
    const status = JSON.parse(ingest('status', 'daily_metrics', '--json').stdout) as unknown;
    expect(JSON.stringify(status)).toContain('"succeeded"');
    const again = ingest('plan', '--detailed-exitcode');
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);
  });

  it('records a config change with --no-data and queues its data actions', () => {
    editFile(root, 'mappings/app_events.sql', (sql) => `${sql}-- reviewed\n`);
    const r = ingest('apply', '--auto-approve', '--no-data');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Apply complete: 0 added, 1 changed, 0 removed (state serial 2).');
    expect(r.stdout).toMatch(/1 data actions? queued for the agent\./);
    expect(ingest('plan', '--detailed-exitcode').code).toBe(0);
  });

  it('refuses a saved plan after the config changed, telling the user to plan again', () => {
    editFile(root, 'mappings/daily_metrics.sql', (sql) => `${sql}-- v2\n`);
    expect(ingest('plan', '--out', 'plan.json', '--format', 'markdown').stdout.split('\n')[0]).toMatch(
      /^\*\*Plan: 0 to add, 1 to change, 0 to remove, \d+ days to load\.\*\*$/,
    );
    editFile(root, 'mappings/daily_metrics.sql', (sql) => `${sql}-- v3\n`);
    const r = ingest('apply', 'plan.json', '--no-data');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'The saved plan plan.json is stale: the configuration changed since it was made. Nothing was applied.',
    );
    expect(r.stderr).toContain('Run `ingest plan --out <file>` again');
  });

  it('names the process holding a DuckDB store, and waits for it with --lock-timeout', async () => {
    const holder = await holdStore();
    const blocked = ingest('apply', '--auto-approve', '--no-data');
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(
      new RegExp(`locked by hold-test [0-9a-f-]{36} \\(host .+, pid ${holder.pid}\\) since \\d{4}-`),
    );
    // The second call announces that it waits for the file; only then does the holder let go.
    const waiting = ingestAsync('apply', '--auto-approve', '--no-data', '--lock-timeout', '120s');
    await waiting.waitFor(`is held by hold-test (pid ${holder.pid}); waiting up to 120s`);
    await holder.release();
    const waited = await waiting.exited;
    expect(waited.code).toBe(0);
    expect(waited.stdout).toContain('Apply complete: 0 added, 1 changed');
  });
});
