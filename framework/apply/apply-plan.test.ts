import { afterEach, describe, expect, it } from 'vitest';
import { ledgerRunner } from '../../test/support/ledger-runner.js';
import { sampleIngestion } from '../../test/support/sample-ingestion.js';
import { STATE_BACKENDS } from '../../test/support/state-backends.js';
import { makePlan } from '../plan/make-plan.js';
import { configHash } from '../state/normalize.js';
import { readPlanningState } from '../state/planning-state.js';
import { readState } from '../state/store-state.js';
import type { NormalizedIngestion } from '../state/types.js';
import type { StoreConnection } from '../store/types.js';
import { listQueued } from './action-queue.js';
import { applyPlan } from './apply-plan.js';
import type { DataActionRunner } from './runner.js';

const NOW = new Date('2026-11-22T06:00:00Z');

/** A runner that cannot run data actions at all: its ready() refuses, as a runner without an engine would. */
const refusingRunner: DataActionRunner = {
  async ready() {
    throw new Error('The ingestion engine is not available here.');
  },
  async backfill() {
    throw new Error('backfill must not be called after ready() refused');
  },
  async drop() {
    throw new Error('drop must not be called after ready() refused');
  },
};

async function planFor(store: StoreConnection, configs: NormalizedIngestion[]) {
  const desired = Object.fromEntries(configs.map((c) => [c.mapping.name, c]));
  const plan = makePlan({
    project: 'demo',
    timeZone: 'PST',
    desired,
    planning: await readPlanningState(store, NOW),
    now: NOW,
  });
  return { plan, hash: configHash(desired, 'PST') };
}

describe.each(Object.entries(STATE_BACKENDS))('apply on a %s store', (_name, open) => {
  let store: StoreConnection | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('refuses before changing anything when data actions must run and the runner is not ready', async () => {
    store = await open();
    const { plan, hash } = await planFor(store, [sampleIngestion('a', { startDate: '2026-11-19' })]);
    await expect(
      applyPlan({
        connection: store,
        plan,
        currentConfigHash: hash,
        runner: refusingRunner,
        lockTimeoutMs: 0,
      }),
    ).rejects.toThrow(/engine is not available/);
    expect((await readState(store)).serial).toBe(0);
    const noData = await applyPlan({
      connection: store,
      plan,
      currentConfigHash: hash,
      runner: refusingRunner,
      lockTimeoutMs: 0,
      noData: true,
    });
    expect(noData.queued.map((q) => [q.kind, q.from, q.to])).toEqual([['backfill', '2026-11-19', '2026-11-20']]);
  });

  it('keeps a failed data action and the ones after it queued, with the error, and the config recorded', async () => {
    store = await open();
    const { plan, hash } = await planFor(store, [
      sampleIngestion('a', { startDate: '2026-11-19' }),
      sampleIngestion('b', { startDate: '2026-11-20' }),
      sampleIngestion('c', { startDate: '2026-11-20' }),
    ]);
    const { runner, calls } = ledgerRunner(store, { failOn: 'b' });
    const result = await applyPlan({ connection: store, plan, currentConfigHash: hash, runner, lockTimeoutMs: 0 });
    expect(calls.map((c) => c.mapping)).toEqual(['a', 'b']);
    expect(result.failed).toMatchObject({ ingestion: 'b', error: 'warehouse unreachable while loading b' });
    expect((await listQueued(store)).map((q) => [q.ingestion, q.status])).toEqual([
      ['b', 'failed'],
      ['c', 'queued'],
    ]);
    expect(Object.keys((await readState(store)).ingestions)).toEqual(['a', 'b', 'c']);
  });

  it('runs one of two simultaneous applies; the state ends consistent at serial + 1', async () => {
    store = await open();
    const { plan, hash } = await planFor(store, [sampleIngestion('a', { startDate: '2026-11-20' })]);
    const { runner, calls } = ledgerRunner(store);
    const results = await Promise.allSettled(
      [0, 1].map(() =>
        applyPlan({
          connection: store as StoreConnection,
          plan,
          currentConfigHash: hash,
          runner,
          lockTimeoutMs: 5_000,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(
      /locked by apply|is stale/,
    );
    expect(calls).toEqual([{ op: 'backfill', mapping: 'a', from: '2026-11-20', to: '2026-11-20', trigger: 'apply' }]);
    const state = await readState(store);
    expect(state.serial).toBe(1);
    expect(await listQueued(store, ['done'])).toHaveLength(1);
  });
});
