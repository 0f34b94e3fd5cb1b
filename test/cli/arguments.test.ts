/**
 * CLI arguments are checked before anything runs or is written: each refusal is a clear
 * message and exit 1, and the project's store is never created.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExampleProject, editFile, REPO_ROOT } from '../support/example-project.js';

const run = promisify(execFile);
const INGEST = join(REPO_ROOT, 'node_modules/.bin/ingest');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;

async function ingest(...args: string[]): Promise<Outcome> {
  return run(INGEST, [...args, '--project', dir], { env: { ...process.env, NO_COLOR: '1' } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: Outcome) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

/** oclif wraps long error lines with a ` ›   ` margin; the text without it. */
function text(output: string): string {
  return output
    .replace(/\n? ›\s+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('CLI arguments', () => {
  beforeAll(() => {
    dir = copyExampleProject();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an impossible --date with exit 1 and writes nothing', async () => {
    const { code, stderr } = await ingest('run', 'daily_metrics', '--date', '2026-02-30');
    expect(code).toBe(1);
    expect(text(stderr)).toContain(
      'Error: --date "2026-02-30" is not a date: February 2026 has 28 days. Write a calendar day as YYYY-MM-DD between 1970-01-01 and 2100-12-31',
    );
    expect(existsSync(join(dir, '.wharf'))).toBe(false);
  });

  it('says what to pass when run gets no arguments', async () => {
    const { code, stderr } = await ingest('run');
    expect(code).toBe(1);
    expect(text(stderr)).toContain('Which mapping should run? Pass a mapping name, or --all for every mapping.');
    expect(text(stderr)).toContain('Mappings: app_events, checkout_conversion, daily_metrics.');
    expect(stderr).not.toContain('undefined');
  });

  it('suggests the mapping meant, before opening the store', async () => {
    const { code, stderr } = await ingest('run', 'daily_metrcs');
    expect(code).toBe(1);
    expect(text(stderr)).toContain("Unknown mapping 'daily_metrcs'. Did you mean 'daily_metrics'?");
    expect(existsSync(join(dir, '.wharf'))).toBe(false);
  });

  it('makes status of an unknown mapping an error', async () => {
    const { code, stderr } = await ingest('status', 'nope');
    expect(code).toBe(1);
    expect(text(stderr)).toContain(
      "Unknown mapping 'nope'. Known mappings: app_events, checkout_conversion, daily_metrics.",
    );
  });

  it('refuses a backfill range that ends before it starts', async () => {
    const { code, stderr } = await ingest('backfill', 'daily_metrics', '--from', '2026-10-05', '--to', '2026-10-01');
    expect(code).toBe(1);
    expect(text(stderr)).toContain(
      '--from 2026-10-05 is after --to 2026-10-01: the range is empty. Swap them: --from 2026-10-01 --to 2026-10-05.',
    );
  });

  it('says why run --all had nothing to do', async () => {
    const { code, stdout } = await ingest('run', '--all', '--to', '2020-01-01');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(
      'Nothing to run: every mapping starts after 2020-01-01 (the earliest, app_events, starts on 2026-10-01). Pass a later --to, or omit it to load up to the latest complete day.',
    );
  });

  it('prints the --json error document for a project that does not validate', async () => {
    editFile(dir, 'mappings/daily_metrics.ts', (t) => t.replace("source: 'demo'", "source: 'demoo'"));
    const { code, stdout } = await ingest('status', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      error: {
        code: 'config.invalid',
        class: 'config',
        message:
          "The project configuration has 1 error; the first: mappings/daily_metrics.ts:6:3 → source: The source 'demoo' is not defined. Did you mean 'demo'?",
        hint: 'Run `ingest validate` to see every problem.',
      },
    });
  });

  it('suggests the command meant when a command is mistyped', async () => {
    const { code, stderr } = await ingest('valdate');
    expect(code).toBe(2);
    expect(text(stderr)).toContain("'valdate' is not an ingest command. Did you mean 'ingest validate'?");
  });
});
