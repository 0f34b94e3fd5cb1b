/**
 * A DuckDB store file has one process at a time. A second `ingest` process is refused with a
 * message naming the store file and the holding process (its command and pid), for the
 * ingestion commands and for apply alike; never DuckDB's raw lock error or an unknown holder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsMapping } from '../../framework/config/types.js';
import { cliProject, ingestIn, type CliProject, type IngestRun } from '../support/cli-project.js';
import { seededSource } from '../support/engine-fixture.js';

const mapping: MetricsMapping = {
  name: 'm',
  dataset: 'metrics',
  source: 'src',
  sql: './m.sql',
  schedule: 'daily',
  startDate: '2026-10-05',
  columns: {
    unit_id: 'unit_id',
    id_type: { constant: 'user_id' },
    date: 'ds',
    metric_name: { constant: 'revenue' },
    metric_value: 'v',
  },
};
// The holder's query runs long, so it holds the store while the other commands try it; the test kills it.
const SLOW_SQL = 'SELECT m.unit_id, m.ds, m.v FROM m CROSS JOIN (SELECT pg_sleep(120)) AS pause';

let project: CliProject;
let holderPid = 0;
let holder: Promise<IngestRun>;

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 50));
}

beforeAll(async () => {
  const source = await seededSource('postgres', [
    'CREATE TABLE m (unit_id text, ds date, v double precision)',
    "INSERT INTO m VALUES ('u1', DATE '2026-10-05', 1)",
  ]);
  project = cliProject({
    store: `{ kind: 'duckdb', path: 'store.duckdb' }`,
    mapping,
    sql: SLOW_SQL,
    env: { SOURCE_URL: process.env[(source as { url: { env: string } }).url.env] as string },
  });
  holder = ingestIn(project, ['run', 'm', '--date', '2026-10-05'], (pid) => (holderPid = pid));
  // The holder has the file once it has written its holder record.
  const sidecar = join(project.root, 'store.duckdb.lock-info.json');
  await until(() => existsSync(sidecar) && readFileSync(sidecar, 'utf8').includes(`"pid": ${holderPid}`));
}, 60_000);

afterAll(async () => {
  process.kill(holderPid, 'SIGKILL');
  await holder;
});

describe('a DuckDB store held by another process', () => {
  it.each([
    ['run', ['run', 'm', '--date', '2026-10-05']],
    ['backfill', ['backfill', 'm', '--from', '2026-10-05', '--to', '2026-10-05']],
    ['status', ['status']],
  ])('%s names the store file and the holder', { timeout: 60_000 }, async (_name, args) => {
    const r = await ingestIn(project, args);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(
      `The DuckDB store file ${join(project.root, 'store.duckdb')} is in use by ingest run (host `,
    );
    expect(r.out).toContain(`pid ${holderPid}) since 20`);
    expect(r.out).not.toMatch(/Could not set lock|IO Error/);
  });

  it('apply names the holding `ingest run`, not an unknown process', { timeout: 60_000 }, async () => {
    const r = await ingestIn(project, ['apply', '--auto-approve', '--no-data']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      new RegExp(`locked by ingest run [0-9a-f-]{36} \\(host .+, pid ${holderPid}\\) since \\d{4}-`),
    );
    expect(r.out).not.toContain('unknown');
  });
});
