/**
 * The acceptance scenario of `ingest plan` / `ingest apply`, on a temp copy of the example
 * project with a real DuckDB store and a runner that records what it was asked and writes
 * ledger rows the way the engine does.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listQueued } from '../framework/apply/action-queue.js';
import { applyPlan } from '../framework/apply/apply-plan.js';
import {
  currentConfigHash,
  exportState,
  openProjectStore,
  planAgainst,
  readPlanningFrom,
  type StateSource,
} from '../framework/apply/operations.js';
import type { LoadedProject } from '../framework/config/project.js';
import { readPlanFile, writePlanFile } from '../framework/plan/plan-file.js';
import { hasChanges } from '../framework/plan/summary.js';
import type { MappingChange, Plan } from '../framework/plan/types.js';
import { LockedError } from '../framework/state/lock.js';
import { readState } from '../framework/state/store-state.js';
import type { StoreConnection } from '../framework/store/types.js';
import { addDays } from '../framework/util/time.js';
import { ledgerRunner, type RunnerCall } from './support/ledger-runner.js';
import { editFile, loadOrThrow, tempExampleProject } from './support/example-project.js';

const NOW = new Date('2026-11-22T06:00:00Z'); // latest complete PST day: 2026-11-20
const firstLoadedAt = (day: string) => new Date(`${addDays(day, 1)}T17:00:00Z`); // loaded by the 09:00 PST schedule

let root: string;

async function withStore<T>(fn: (store: StoreConnection, project: LoadedProject) => Promise<T>): Promise<T> {
  const project = await loadOrThrow(root);
  const store = await openProjectStore(project, 'test', 0);
  try {
    return await fn(store, project);
  } finally {
    await store.close();
  }
}

async function planFrom(source: StateSource): Promise<Plan> {
  if (source === 'repo') {
    const project = await loadOrThrow(root);
    return planAgainst(project, await readPlanningFrom(project, 'repo', NOW), { now: NOW });
  }
  return withStore(async (store, project) =>
    planAgainst(project, await readPlanningFrom(project, 'store', NOW, store), { now: NOW }),
  );
}

async function applyWithRunner(plan: Plan, extra: { noData?: boolean } = {}): Promise<RunnerCall[]> {
  return withStore(async (store, project) => {
    const { runner, calls } = ledgerRunner(store, { firstLoadedAt });
    const result = await applyPlan({
      connection: store,
      plan,
      currentConfigHash: currentConfigHash(project),
      runner,
      lockTimeoutMs: 0,
      now: () => NOW,
      ...extra,
    });
    expect(result.failed).toBeNull();
    return calls;
  });
}

const change = (plan: Plan, name: string) =>
  plan.changes.find((c): c is MappingChange => c.type === 'mapping' && c.name === name);

describe('plan and apply, end to end', () => {
  beforeAll(() => {
    root = tempExampleProject();
  });

  it('applies the demo: three ingestions, each backfilled from its start date', async () => {
    const plan = await planFrom('store');
    expect(plan.summary).toMatchObject({ add: 3, change: 0, remove: 0, daysToLoad: 153 });
    const calls = await applyWithRunner(plan);
    expect(calls).toEqual(
      ['app_events', 'checkout_conversion', 'daily_metrics'].map((mapping) => ({
        op: 'backfill',
        mapping,
        from: '2026-10-01',
        to: '2026-11-20',
        trigger: 'apply',
      })),
    );
    const after = await planFrom('store');
    expect(hasChanges(after.summary)).toBe(false);
    expect(after.state.serial).toBe(1);
  });

  it('shows a changed SQL file as ~ with its diff and restates the recheck window', async () => {
    editFile(root, 'mappings/app_events.sql', (sql) =>
      sql.replace('FROM app_events', "FROM app_events\nWHERE event <> 'heartbeat'"),
    );
    const plan = await planFrom('store');
    const c = change(plan, 'app_events');
    expect(c).toMatchObject({ action: 'update', attributes: [{ path: 'sqlText', action: 'change' }] });
    expect(c?.sqlDiff).toContain("+WHERE event <> 'heartbeat'");
    expect(c?.dataActions).toEqual([
      expect.objectContaining({
        purpose: 'restate',
        policy: 'recheck-window',
        ranges: [{ from: '2026-11-18', to: '2026-11-20' }],
      }),
    ]);
    expect(plan.summary).toMatchObject({ change: 1, unchanged: 2, daysToLoad: 3 });
  });

  it('plans the same from status/state.json (--state repo) as from the store', async () => {
    const { file } = await exportState(await loadOrThrow(root), NOW);
    expect(file).toBe(join('status', 'state.json'));
    expect(await planFrom('repo')).toEqual(await planFrom('store'));
  });

  it('applies the restatement through the runner', async () => {
    const calls = await applyWithRunner(await planFrom('store'));
    expect(calls).toEqual([
      { op: 'backfill', mapping: 'app_events', from: '2026-11-18', to: '2026-11-20', trigger: 'apply' },
    ]);
  });

  it('adds a mapping with its backfill range, removes one keeping its data, and changes a schedule with no data action', async () => {
    writeFileSync(
      join(root, 'mappings/signups.ts'),
      "import { defineMapping } from '@wharf/framework';\nexport default defineMapping({ name: 'signups', dataset: 'events', source: 'demo', sql: './signups.sql', schedule: 'daily_9am', startDate: '2026-11-01', columns: { timestamp: 'ts', event_name: { constant: 'signup' }, userID: 'user_id' } });\n",
    );
    writeFileSync(join(root, 'mappings/signups.sql'), 'SELECT user_id, ts FROM signups\n');
    rmSync(join(root, 'mappings/checkout_conversion.ts'));
    editFile(root, 'schedules/api.ts', (ts) => ts.replace("rateLimit: '2h'", "rateLimit: '3h'"));
    editFile(root, 'schedules/daily.ts', (ts) => ts.replace("at: '09:00'", "at: '10:00'"));
    const plan = await planFrom('store');
    expect(change(plan, 'signups')).toMatchObject({
      action: 'create',
      dataActions: [
        { kind: 'load', purpose: 'backfill', ranges: [{ from: '2026-11-01', to: '2026-11-20' }], days: 20 },
      ],
    });
    expect(change(plan, 'checkout_conversion')).toMatchObject({
      action: 'delete',
      dataActions: [{ kind: 'none', reason: expect.stringContaining('data kept: the 51 loaded days') }],
    });
    // The schedule is one change listing the mappings on it; they follow it (recorded, not counted apart).
    expect(plan.changes.find((c) => c.address === 'schedule.daily_9am')).toMatchObject({
      action: 'update',
      attributes: [{ path: 'at', before: '09:00', after: '10:00' }],
      affects: ['mapping.app_events', 'mapping.daily_metrics'],
      dataActions: [{ kind: 'none' }],
    });
    for (const name of ['app_events', 'daily_metrics'])
      expect(change(plan, name)).toMatchObject({
        action: 'update',
        attributes: [],
        via: ['schedule.daily_9am'],
        dataActions: [],
      });
    expect(plan.summary).toMatchObject({ add: 1, change: 1, remove: 1 });
    const calls = await applyWithRunner(plan);
    expect(calls).toEqual([
      { op: 'backfill', mapping: 'signups', from: '2026-11-01', to: '2026-11-20', trigger: 'apply' },
    ]);
    const kept = await withStore((store) =>
      store.query<{ n: number }>("SELECT COUNT(*) AS n FROM ledger WHERE ingestion = 'checkout_conversion'"),
    );
    expect(Number(kept[0].n)).toBe(51);
    expect(hasChanges((await planFrom('store')).summary)).toBe(false);
  });

  it('refuses a saved plan once the config changed, changing nothing', async () => {
    editFile(root, 'mappings/daily_metrics.sql', (sql) => `${sql}-- v2\n`);
    const planFile = join(root, 'plan.json');
    writePlanFile(planFile, await planFrom('store'));
    editFile(root, 'mappings/daily_metrics.sql', (sql) => `${sql}-- v3\n`);
    await withStore(async (store, project) => {
      const before = { state: await readState(store), queue: await listQueued(store, ['queued', 'done', 'failed']) };
      const { runner, calls } = ledgerRunner(store);
      const attempt = applyPlan({
        connection: store,
        plan: readPlanFile(planFile, 'plan.json'),
        currentConfigHash: currentConfigHash(project),
        runner,
        lockTimeoutMs: 0,
        planName: 'plan.json',
      });
      await expect(attempt).rejects.toThrow(
        /The saved plan plan.json is stale: the configuration changed since it was made\. Nothing was applied\./,
      );
      expect(calls).toEqual([]);
      expect({ state: await readState(store), queue: await listQueued(store, ['queued', 'done', 'failed']) }).toEqual(
        before,
      );
    });
  });

  it('records the config and leaves data actions queued with --no-data', async () => {
    const plan = await planFrom('store');
    const calls = await applyWithRunner(plan, { noData: true });
    expect(calls).toEqual([]);
    const queued = await withStore((store) => listQueued(store, ['queued']));
    expect(queued.map((q) => [q.ingestion, q.kind, q.from, q.to])).toEqual([
      ['daily_metrics', 'restate', '2026-11-18', '2026-11-20'],
    ]);
    expect(hasChanges((await planFrom('store')).summary)).toBe(false);
  });

  it('lets one of two simultaneous applies run; the other fails naming the holder or is refused as stale', async () => {
    editFile(root, 'schedules/daily.ts', (ts) => ts.replace("at: '10:00'", "at: '11:00'"));
    const plan = await planFrom('store');
    await withStore(async (store, project) => {
      const run = (lockTimeoutMs: number) =>
        applyPlan({
          connection: store,
          plan,
          currentConfigHash: currentConfigHash(project),
          runner: ledgerRunner(store).runner,
          lockTimeoutMs,
        });
      const [first, second] = await Promise.allSettled([run(0), run(0)]);
      expect([first.status, second.status].sort()).toEqual(['fulfilled', 'rejected']);
      const loser = (first.status === 'rejected' ? first : second) as PromiseRejectedResult;
      expect(loser.reason instanceof LockedError || /is stale/.test(String(loser.reason))).toBe(true);
      if (loser.reason instanceof LockedError)
        expect(loser.reason.message).toMatch(/locked by apply [0-9a-f-]{36} \(host .+, pid \d+\) since \d{4}-/);
      const state = await readState(store);
      expect(state.serial).toBe(plan.state.serial + 1);
      expect(state.ingestions.app_events.config.schedule).toMatchObject({ at: '11:00' });
    });
  });

  it('makes a waiting apply find the plan stale once the first one is done', async () => {
    editFile(root, 'schedules/daily.ts', (ts) => ts.replace("at: '11:00'", "at: '12:00'"));
    const plan = await planFrom('store');
    await withStore(async (store, project) => {
      const run = () =>
        applyPlan({
          connection: store,
          plan,
          currentConfigHash: currentConfigHash(project),
          runner: ledgerRunner(store).runner,
          lockTimeoutMs: 30_000,
        });
      const results = await Promise.allSettled([run(), run()]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(
        /is stale: the state changed since it was made/,
      );
      expect((await readState(store)).serial).toBe(plan.state.serial + 1);
    });
  });
});
