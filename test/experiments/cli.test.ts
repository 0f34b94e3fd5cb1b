import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExampleProject, REPO_ROOT } from '../support/example-project.js';

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

describe('ingest run, then ingest experiment run / results / report over the demo data', () => {
  let dir: string;
  beforeAll(async () => {
    // The real path: the engine ingests October of the demo warehouse into the project's store.
    dir = copyExampleProject();
    const loaded = await ingest(dir, 'run', '--all', '--to', '2026-10-31');
    expect(loaded.code, loaded.stderr).toBe(0);
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs, shows results as a table and JSON, and writes the Markdown report', async () => {
    const first = await ingest(dir, 'experiment', 'run', 'checkout_button', '--full-refresh');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/checkout_button: full refresh \(2026-10-01 → 2026-10-31/);
    expect(first.stdout).toMatch(/first exposures\s+\d+ ms\s+2000 rows/);

    const again = await ingest(dir, 'experiment', 'run', 'checkout_button', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ refresh: 'up-to-date', requested: 'incremental' });

    const table = await ingest(dir, 'experiment', 'results', 'checkout_button');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/sample ratio OK: control \d+ \/ test \d+ \(p = 0\.\d+\)/);
    expect(table.stdout).toMatch(/revenue\s+test\s+\d+\s+[\d.]+\s+\+[789]\.\d\d%.*significant/);

    const json = JSON.parse((await ingest(dir, 'experiment', 'results', 'checkout_button', '--json')).stdout);
    expect(json.metrics.map((m: { metric: string }) => m.metric)).toEqual([
      'revenue',
      'revenue_total',
      'sessions',
      'checkout_conversion',
    ]);

    const out = join(dir, 'status/experiments/checkout_button.md');
    const report = await ingest(dir, 'experiment', 'report', 'checkout_button', '--out', out);
    expect(report.code, report.stderr).toBe(0);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toContain('# Experiment `checkout_button`');
    expect(markdown).toMatch(/Sample ratio: OK/);
    expect(markdown).toMatch(/\| revenue \(mean; CUPED\) \| test \| \d+ \|.*▲ significant \|/);
    expect(markdown).toMatch(/\| sessions \(mean; CUPED\) \| test \| \d+ \|.*not significant \|/);
    // The charts beside the report, linked from it; the lift chart has one titled marker per metric.
    for (const chart of ['lift', 'cumulative-lift', 'exposures'])
      expect(markdown).toContain(`](checkout_button.${chart}.svg)`);
    const lift = readFileSync(join(dir, 'status/experiments/checkout_button.lift.svg'), 'utf8');
    expect(
      [...lift.matchAll(/<title>([^<]*)<\/title><\/path>/g)].map((m) => m[1].split(' ').slice(-2).join(' ')),
    ).toEqual(['▲ significant', '▲ significant', 'not significant', 'not significant']);
    expect(readFileSync(join(dir, 'status/experiments/checkout_button.exposures.svg'), 'utf8')).toContain(
      '<desc>Cumulative units exposed per group by day through 2026-10-14: control ',
    );

    // Ten more days ingested: the scheduled run appends just those.
    expect((await ingest(dir, 'run', '--all', '--to', '2026-11-10')).code).toBe(0);
    const next = JSON.parse((await ingest(dir, 'experiment', 'run', 'checkout_button', '--json')).stdout);
    expect(next).toMatchObject({ refresh: 'incremental', from: '2026-11-01', to: '2026-11-10' });
  });

  it('names the experiment it does not know, and refuses a metric refresh of an unknown metric', async () => {
    const unknown = await ingest(dir, 'experiment', 'run', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/There is no experiment named 'nope'/);
    expect(unknown.stderr).toMatch(/Defined experiments: checkout_button/);
    const metric = await ingest(dir, 'experiment', 'run', 'checkout_button', '--metric', 'bogus');
    expect(metric.code).toBe(1);
    expect(metric.stderr).toMatch(/has no metric 'bogus'/);
  });
});
