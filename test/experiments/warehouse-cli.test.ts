/**
 * `ingest experiment run / history / report` for an experiment whose `warehouse` is the demo
 * DuckDB warehouse: nothing is ingested into the store; the pipeline reads the warehouse's
 * tables through the ingestions' SQL and writes its artifacts to a schema there.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB } from '../../framework/util/duckdb.js';
import { readerRows } from '../../framework/util/duckdb-values.js';
import { copyExampleProject, editFile, REPO_ROOT } from '../support/example-project.js';

const run = promisify(execFile);
const INGEST = join(REPO_ROOT, 'node_modules/.bin/ingest');

async function ingest(dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(INGEST, [...args, '--project', dir], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('an experiment run in the demo warehouse from the CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = copyExampleProject();
    editFile(dir, 'experiments/checkout_button.ts', (t) =>
      t.replace(
        "  owner: 'growth-team@example.com',",
        "  owner: 'growth-team@example.com',\n  warehouse: 'demo',\n  warehouseSchema: 'experiments',",
      ),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs there, shows the jobs with ingest experiment history, and puts them in the report', async () => {
    const first = await ingest(
      dir,
      'experiment',
      'run',
      'checkout_button',
      '--full-refresh',
      '--through',
      '2026-10-31',
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /checkout_button: full refresh \(2026-10-01 → 2026-10-31; data through 2026-10-31\) in warehouse 'demo' \(duckdb\), schema experiments/,
    );
    expect(first.stdout).toMatch(/first exposures\s+\d+ ms\s+2000 rows/);
    // The store was never opened: everything lives in the warehouse.
    expect(existsSync(join(dir, '.wharf/store.duckdb'))).toBe(false);

    const table = await ingest(dir, 'experiment', 'results', 'checkout_button');
    expect(table.code, table.stderr).toBe(0);
    // The demo data's test group has about 8% more revenue.
    expect(table.stdout).toMatch(/revenue\s+test\s+\d+\s+[\d.]+\s+\+[789]\.\d\d%.*significant/);

    const history = await ingest(dir, 'experiment', 'history', 'checkout_button', '--json');
    expect(history.code, history.stderr).toBe(0);
    const parsed = JSON.parse(history.stdout);
    expect(parsed.location).toEqual({ kind: 'warehouse', source: 'demo', sourceKind: 'duckdb', schema: 'experiments' });
    const steps = parsed.runs[0].steps as {
      step: string;
      rows: number | null;
      jobs: { statement: string; rows: number | null; durationMs: number }[];
    }[];
    expect(parsed.runs[0].refresh).toBe('full');
    const firstExposures = steps.find((s) => s.step === 'first exposures');
    expect(firstExposures?.jobs.some((j) => j.statement.startsWith('CREATE TABLE') && j.rows === 2000)).toBe(true);
    const text = await ingest(dir, 'experiment', 'history', 'checkout_button', '--statements');
    expect(text.stdout).toMatch(/recorded in warehouse 'demo' \(duckdb\), schema experiments/);
    expect(text.stdout).toMatch(/scanned not reported/);

    const report = await ingest(dir, 'experiment', 'report', 'checkout_button');
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('## Jobs');
    expect(report.stdout).toMatch(/\| first exposures \| \d+ \| not reported \| 2000 \|/);

    // The artifacts are in the warehouse file's schema, next to (not among) its own tables.
    const db = await openDuckDB(join(dir, '.wharf/demo-warehouse.duckdb'));
    try {
      const rows = readerRows<{ schema: string; n: number }>(
        await db.connection.runAndReadAll(
          "SELECT table_schema AS schema, COUNT(*) AS n FROM information_schema.tables WHERE table_name LIKE 'checkout_button_%' GROUP BY 1",
        ),
      );
      expect(rows).toEqual([{ schema: 'experiments', n: 9 }]);
    } finally {
      db.close();
    }
  }, 240_000);
});
