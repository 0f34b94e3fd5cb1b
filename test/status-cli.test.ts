/**
 * `ingest status` on a real DuckDB store (the example project's .wharf/store.duckdb): the
 * one-line summary per ingestion, the day-by-day table with --days, and --json carrying both.
 * The ledger is written through the store's own API, so the figures below are counted by hand.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../framework/store/open-store.js';
import type { LedgerEntry, Store } from '../framework/store/types.js';
import { REPO_ROOT, tempExampleProject } from './support/example-project.js';

let root: string;

function ingest(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'framework/bin/run.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function entry(ingestion: string, date: string, finishedAt: string, over: Partial<LedgerEntry> = {}): LedgerEntry {
  const at = new Date(finishedAt);
  return {
    ingestion,
    date,
    status: 'succeeded',
    errorClass: null,
    errorMessage: null,
    errorHint: null,
    rowsLoaded: 100,
    rowsRejected: 0,
    rejectReasons: {},
    duplicates: 0,
    sourceRowCount: 100,
    sourceFingerprint: 'f',
    configHash: 'h',
    commitSha: null,
    trigger: 'schedule',
    startedAt: at,
    finishedAt: at,
    firstLoadedAt: null,
    loadId: '',
    ...over,
  };
}

async function load(store: Store, e: LedgerEntry): Promise<void> {
  const day = await store.beginDayLoad({ ingestion: e.ingestion, dataset: 'metrics', date: e.date });
  await day.commit({ ...e, loadId: day.loadId });
}

async function fail(store: Store, e: LedgerEntry): Promise<void> {
  await store.recordDayOutcome(e);
  await store.recordAttempt(e);
}

beforeAll(async () => {
  root = tempExampleProject();
  const store = await openStore({ kind: 'duckdb', path: '.wharf/store.duckdb' }, root);
  try {
    // alpha: three good days; a reload of the newest day failed after its good load.
    await load(
      store,
      entry('alpha', '2026-10-01', '2026-10-02T09:00:00Z', { rowsLoaded: 1000, rowsRejected: 5, duplicates: 2 }),
    );
    await load(
      store,
      entry('alpha', '2026-10-02', '2026-10-03T09:00:00Z', { rowsLoaded: 2000, rowsRejected: 7, duplicates: 1 }),
    );
    await load(store, entry('alpha', '2026-10-03', '2026-10-04T09:00:00Z', { rowsLoaded: 500, rowsRejected: 0 }));
    await fail(
      store,
      entry('alpha', '2026-10-03', '2026-10-05T09:00:00Z', {
        status: 'failed',
        errorClass: 'query',
        errorMessage: 'no such table: events_v2',
        errorHint: 'Create events_v2 or read another table in mappings/alpha.sql.',
        rowsLoaded: 0,
        trigger: 'recheck',
      }),
    );
    // beta's first day was loaded before the store kept the duplicates count (null: unknown).
    // beta: a failure older than its newest good load (resolved), a no-data day, a failed day never loaded.
    await fail(
      store,
      entry('beta', '2026-10-01', '2026-10-02T08:00:00Z', {
        status: 'failed',
        errorClass: 'connection',
        errorMessage: 'timeout',
        rowsLoaded: 0,
      }),
    );
    await load(store, entry('beta', '2026-10-01', '2026-10-02T10:00:00Z', { rowsLoaded: 42, duplicates: null }));
    await load(
      store,
      entry('beta', '2026-10-02', '2026-10-03T10:00:00Z', { status: 'no_data', rowsLoaded: 0, duplicates: 4 }),
    );
    await fail(
      store,
      entry('beta', '2026-10-03', '2026-10-01T10:00:00Z', {
        status: 'failed',
        errorClass: 'validation',
        errorMessage: 'rejected 40 of 50 rows',
        rowsLoaded: 0,
        rowsRejected: 40,
      }),
    );
  } finally {
    await store.close();
  }
});

describe('ingest status', () => {
  it('prints one line per ingestion, with the latest failed attempt only when newer than the last good load', () => {
    const r = ingest('status');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      '✗ alpha  3 succeeded, 0 no data, 0 failed; last loaded 2026-10-03; 3,500 rows, 12 rejects, 3 duplicates dropped',
    );
    expect(lines[1]).toBe(
      '         latest failure: 2026-10-03 at 2026-10-05T09:00:00.000Z, after the last good load — query: no such table: events_v2',
    );
    expect(lines[2]).toBe('         Create events_v2 or read another table in mappings/alpha.sql.');
    // beta's last good load finished 2026-10-03T10:00; its failed day 2026-10-03 failed before that.
    expect(lines[3]).toBe(
      '✗ beta   1 succeeded, 1 no data, 1 failed; last loaded 2026-10-02; 42 rows, 40 rejects, at least 4 duplicates dropped',
    );
    expect(lines[4]).toBe('');
    expect(r.stdout).toContain('ingest status --days');
  });

  it('prints the ledger day by day with --days, for one mapping', () => {
    const r = ingest('status', 'beta', '--days');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('alpha');
    expect(
      r.stdout
        .split('\n')
        .filter((l) => /^ {2}2026-10-0\d/.test(l))
        .map((l) => l.trim().split(/\s+/).slice(0, 2).join(' ')),
    ).toEqual(['2026-10-01 succeeded', '2026-10-02 no', '2026-10-03 failed']);
    expect(r.stdout).toContain('validation: rejected 40 of 50 rows');
    // The duplicates column: unknown (-) for the day loaded before the count was kept.
    const cells = (day: string) =>
      r.stdout
        .split('\n')
        .find((l) => l.startsWith(`  ${day}`))
        ?.trim()
        .split(/\s+/);
    expect(r.stdout).toMatch(/rejected\s+duplicates\s+source/);
    expect(cells('2026-10-01')?.slice(2, 5)).toEqual(['42', '0', '-']);
    expect(cells('2026-10-02')?.slice(3, 6)).toEqual(['0', '0', '4']);
  });

  it('--json carries the ledger and the versioned summary', () => {
    const r = ingest('status', '--json');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.ledger).toHaveLength(6);
    expect(body.summaryVersion).toBe(3);
    expect(
      body.ledger.map((e: { ingestion: string; date: string; duplicates: number | null }) => e.duplicates),
    ).toEqual([2, 1, 0, null, 4, 0]);
    expect(
      body.summary.map((s: { duplicates: number; daysWithoutDuplicateCount: number }) => [
        s.duplicates,
        s.daysWithoutDuplicateCount,
      ]),
    ).toEqual([
      [3, 0],
      [4, 1],
    ]);
    expect(
      body.summary.map((s: { ingestion: string; latestFailure: unknown }) => [s.ingestion, s.latestFailure]),
    ).toEqual([
      [
        'alpha',
        {
          date: '2026-10-03',
          finishedAt: '2026-10-05T09:00:00.000Z',
          errorClass: 'query',
          errorMessage: 'no such table: events_v2',
          errorHint: 'Create events_v2 or read another table in mappings/alpha.sql.',
        },
      ],
      ['beta', null],
    ]);
  });
});
