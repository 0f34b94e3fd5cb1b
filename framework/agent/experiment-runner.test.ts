/**
 * A failed experiment run during normal operation is an error and one notification; the same
 * failure once the agent is shutting down (the store closes under the run) is neither: the
 * run is left pending for the next start. Real store, real webhook receiver.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoadedProject } from '../config/project.js';
import { loadProject } from '../config/loader.js';
import { NotificationDispatcher, notifierFor } from '../notify/dispatcher.js';
import type { Store } from '../store/types.js';
import { createLogger } from '../util/log.js';
import { REPO_ROOT } from '../../test/support/example-project.js';
import { freshStore } from '../../test/support/engine-fixture.js';
import { succeededEntry } from '../../test/support/ledger-entry.js';
import { startHttpReceiver, type HttpReceiver } from '../../test/support/notify-servers.js';
import { ExperimentRunner } from './experiment-runner.js';

let store: Store;
let hook: HttpReceiver;
let project: LoadedProject;

beforeEach(async () => {
  project = (await loadProject(REPO_ROOT)).project!;
  hook = await startHttpReceiver('/hook');
  store = await freshStore('duckdb');
  // Every ingestion the experiment reads has a loaded day with a row; a column the run reads is gone, so it fails.
  for (const ingestion of ['app_events', 'daily_metrics', 'checkout_conversion']) {
    const events = ingestion === 'app_events';
    const day = await store.beginDayLoad({ ingestion, dataset: events ? 'events' : 'metrics', date: '2026-10-01' });
    await day.appendRows(
      events
        ? [
            {
              ingestion,
              day: '2026-10-01',
              timestamp: new Date('2026-10-01T12:00:00Z'),
              event_name: 'experiment_exposure',
              event_value: 'test',
              event_metadata: '{"experiment":"checkout_button"}',
              user: '{"userID":"u1"}',
              user_id: 'u1',
              custom_ids: null,
              timeuuid: 't1',
            },
          ]
        : [
            {
              ingestion,
              date: '2026-10-01',
              unit_id: 'u1',
              id_type: 'user_id',
              metric_name: 'revenue',
              metric_value: 1,
              numerator: 1,
              denominator: 1,
            },
          ],
    );
    await day.commit(
      succeededEntry({ ingestion, date: '2026-10-01', rowsLoaded: 1, sourceRowCount: 1, loadId: day.loadId }),
    );
  }
  // The store's `metrics` is a view: the same rows under a view without the column.
  await store.exec('ALTER VIEW metrics RENAME TO metrics_whole');
  await store.exec('CREATE VIEW metrics AS SELECT * RENAME (metric_value AS renamed) FROM metrics_whole');
});

afterEach(async () => {
  await store.close();
  await hook.close();
});

function runner(lines: string[]): ExperimentRunner {
  const log = createLogger({ level: 'debug', write: (l) => lines.push(l) });
  const dispatcher = new NotificationDispatcher(
    [notifierFor({ kind: 'webhook', url: { env: 'RUNNER_TEST_HOOK' } }, 0, { RUNNER_TEST_HOOK: hook.url })],
    log,
  );
  return new ExperimentRunner({ project, store, dispatcher, log, commitSha: 'abc' });
}
const records = (lines: string[]) => lines.map((l) => JSON.parse(l) as { level: string; msg: string });

describe('ExperimentRunner', () => {
  it('reports a failed run as an error and notifies it once', async () => {
    const lines: string[] = [];
    const r = runner(lines);
    expect(await r.runPending(async () => false)).toEqual(['checkout_button']);
    expect(
      records(lines)
        .filter((x) => x.level === 'error')
        .map((x) => x.msg),
    ).toEqual(['experiment run failed; ingestion goes on']);
    expect(hook.bodies.map((b) => (b as { kind: string }).kind)).toEqual(['experiment_failure']);
    expect(r.hasPending).toBe(false);
  });

  it('takes a run that fails once a shutdown began for an interruption: no error, no notification, still pending', async () => {
    const lines: string[] = [];
    const r = runner(lines);
    // The shutdown begins after the run started (the loop checks once before each experiment).
    let checks = 0;
    expect(
      await r.runPending(
        async () => false,
        () => checks++ > 0,
      ),
    ).toEqual([]);
    expect(records(lines).filter((x) => x.level === 'error' || x.level === 'warn')).toEqual([]);
    expect(records(lines).map((x) => x.msg)).toContain('experiment run interrupted by shutdown');
    expect(hook.bodies).toEqual([]);
    expect(r.hasPending).toBe(true);
  });
});
