/**
 * `ingest validate` on the example project with many planted problems of different kinds:
 * every one is reported in one run, each with its file and line, and nothing else (no false
 * errors caused by another module's failure). The expected output is a reviewed golden file;
 * WHARF_UPDATE_GOLDEN=1 rewrites it.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExampleProject, editFile, REPO_ROOT } from '../support/example-project.js';

const run = promisify(execFile);
const INGEST = join(REPO_ROOT, 'node_modules/.bin/ingest');
const GOLDEN = join(import.meta.dirname, 'golden/planted-problems.txt');

function plantProblems(dir: string): void {
  const write = (file: string, text: string) => writeFileSync(join(dir, file), text);
  // 1. a misspelled required field and 2. an unknown source, in one mapping
  editFile(dir, 'mappings/daily_metrics.ts', (t) =>
    t.replace("startDate: '2026-10-01'", "strtDate: '2026-10-01'").replace("source: 'demo'", "source: 'demoo'"),
  );
  // 3. a time of day in the wrong format and 4. a zero retry interval
  editFile(dir, 'schedules/daily.ts', (t) =>
    t.replace("at: '09:00'", "at: '9am'").replace("retryEvery: '1h'", "retryEvery: '0h'"),
  );
  // 5. a fractional maxConcurrency
  editFile(dir, 'sources/demo.ts', (t) => t.replace("generate: 'demo',", "generate: 'demo',\n  maxConcurrency: 1.5,"));
  // 6. a negative port
  write(
    'sources/pg.ts',
    "import { defineSource } from '@wharf/framework';\n\nexport default defineSource({\n  kind: 'postgres',\n  name: 'pg',\n  host: 'localhost',\n  port: -1,\n});\n",
  );
  // 7. a syntax error
  write(
    'sources/broken.ts',
    "import { defineSource } from '@wharf/framework';\n\nexport default defineSource({\n  kind: 'duckdb',\n  name: 'broken'\n  path: 'x.duckdb',\n});\n",
  );
  // 8. a getter that throws
  write(
    'sources/getter.ts',
    "export default {\n  kind: 'duckdb',\n  name: 'getter',\n  get path(): string {\n    throw new Error('getter boom');\n  },\n};\n",
  );
  // 9. a sql path that is a directory and 10. an empty date column
  mkdirSync(join(dir, 'mappings/dir.sql'));
  editFile(dir, 'mappings/checkout_conversion.ts', (t) =>
    t.replace("sql: './checkout_conversion.sql'", "sql: './dir.sql'").replace("date: 'ds'", "date: ''"),
  );
  // 11. a sql path outside the project, 12. a misspelled dataset and 13. a misspelled column
  editFile(dir, 'mappings/app_events.ts', (t) =>
    t
      .replace("sql: './app_events.sql'", "sql: '../../outside.sql'")
      .replace("dataset: 'events'", "dataset: 'event'")
      .replace("timestamp: 'event_time'", "timestmp: 'event_time'"),
  );
  // 14. a plugin that is not installed
  editFile(dir, 'wharf.config.ts', (t) =>
    t.replace('customIdTypes: [],', "customIdTypes: [],\n  plugins: ['@acme/not-installed'],"),
  );
  // 15. a misspelled ingestion in the experiment
  editFile(dir, 'experiments/checkout_button.ts', (t) =>
    t.replace("ingestion: 'checkout_conversion'", "ingestion: 'checkout_conversoin'"),
  );
}

async function validate(dir: string, json: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = ['validate', '--project', dir, ...(json ? ['--json'] : [])];
  return run(INGEST, args, { env: { ...process.env, NO_COLOR: '1' } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );
}

describe('ingest validate with fifteen planted problems', () => {
  let dir: string;
  beforeAll(() => {
    dir = copyExampleProject();
    plantProblems(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports every problem in one run, as the golden output says', async () => {
    const { code, stderr } = await validate(dir, false);
    expect(code).toBe(1);
    const output = stderr.split(dir).join('<project>');
    if (process.env.WHARF_UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, output);
    expect(output).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('gives every diagnostic a file and line, and no false "not defined" for modules that exist', async () => {
    const { code, stdout } = await validate(dir, true);
    expect(code).toBe(1);
    const { diagnostics } = JSON.parse(stdout) as {
      diagnostics: { file?: string; line?: number; code: string; summary: string }[];
    };
    expect(diagnostics).toHaveLength(15);
    for (const d of diagnostics)
      expect([d.code, d.file, typeof d.line]).toEqual([d.code, expect.any(String), 'number']);
    expect(diagnostics.map((d) => d.summary).join('\n')).not.toMatch(
      /'(daily_metrics|app_events|broken|getter)' is not defined/,
    );
  });
});
