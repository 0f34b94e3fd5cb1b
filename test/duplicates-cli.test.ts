/**
 * Duplicate timeuuid rows, end to end through the CLI on the example project: three rows of a
 * demo day are copied in the demo warehouse with the same event_id, the day is loaded, and
 * `ingest status` reads the count back from the ledger (summary line, --days, --json).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB } from '../framework/util/duckdb.js';
import { runToEnd } from './support/child-process.js';
import { REPO_ROOT, tempExampleProject } from './support/example-project.js';

const DAY = '2026-10-05';
const PLANTED = 3;
let root: string;

function ingest(...args: string[]) {
  return runToEnd(process.execPath, [join(REPO_ROOT, 'framework/bin/run.js'), ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
  });
}

beforeAll(async () => {
  root = tempExampleProject();
  // The first load generates the demo warehouse; the demo data has no duplicates on this day.
  expect((await ingest('run', 'app_events', '--date', DAY)).stdout).toContain('succeeded');
  // Copy rows that loaded (not ones that are rejected anyway): their ids from the store.
  const store = await openDuckDB(join(root, '.wharf/store.duckdb'));
  let ids: string[];
  try {
    const reader = await store.connection.runAndReadAll(
      `SELECT timeuuid FROM events WHERE day = DATE '${DAY}' ORDER BY timeuuid LIMIT ${PLANTED}`,
    );
    ids = reader.getRowObjectsJS().map((r) => String(r.timeuuid));
  } finally {
    store.close();
  }
  expect(ids).toHaveLength(PLANTED);
  const db = await openDuckDB(join(root, '.wharf/demo-warehouse.duckdb'));
  try {
    await db.connection.run(
      `INSERT INTO app_events SELECT * FROM app_events WHERE CAST(event_id AS VARCHAR) IN (${ids.map((id) => `'${id}'`).join(', ')})`,
    );
  } finally {
    db.close();
  }
  const run = await ingest('backfill', 'app_events', '--from', DAY, '--to', DAY, '--force');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(`${PLANTED} duplicate timeuuid rows dropped`);
}, 120_000);

describe('duplicates dropped by a load', () => {
  it('are kept in the ledger and shown by ingest status', async () => {
    const summary = await ingest('status', 'app_events');
    expect(summary.code).toBe(0);
    expect(summary.stdout.split('\n')[0]).toMatch(
      new RegExp(`^✓ app_events {2}1 succeeded, .* rejects?, ${PLANTED} duplicates dropped$`),
    );

    const days = (await ingest('status', 'app_events', '--days')).stdout.split('\n');
    const header = days
      .find((l) => l.includes('duplicates'))
      ?.trim()
      .split(/\s+/);
    const row = days
      .find((l) => l.startsWith(`  ${DAY}`))
      ?.trim()
      .split(/\s+/);
    expect(row?.[header?.indexOf('duplicates') ?? -1]).toBe(String(PLANTED));

    const json = JSON.parse((await ingest('status', 'app_events', '--json')).stdout);
    expect(json.ledger.map((e: { date: string; duplicates: number }) => [e.date, e.duplicates])).toEqual([
      [DAY, PLANTED],
    ]);
    expect(json.summary[0]).toMatchObject({
      ingestion: 'app_events',
      duplicates: PLANTED,
      daysWithoutDuplicateCount: 0,
    });
  });
});
