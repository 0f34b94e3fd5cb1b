/**
 * The agent runs experiments end to end: the demo project with the checkout_button
 * experiment in a bare "remote" repository; after the initial loads the agent runs the
 * experiment's pipeline and pushes status/experiments/checkout_button.md, and a later load
 * of a new day (an API-triggered metric ingestion) refreshes it incrementally.
 *
 * The demo warehouse's exposures are in its first two weeks (from 2026-10-01); the mapping
 * SQL shifts its days so they end on the latest complete day, which keeps the backfill at
 * four days. The checkout_conversion ingestion reads a gate file (the last day it may
 * return), so the newest day arrives only when the test opens the gate.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../framework/agent/daemon.js';
import { DEMO_FIRST_DAY } from '../../framework/demo/generate.js';
import type { Store } from '../../framework/store/types.js';
import { createLogger } from '../../framework/util/log.js';
import { addDays, latestCompleteDay, zoneOrThrow } from '../../framework/util/time.js';
import { createRemote, exampleConfigFiles, git, type TempRemote } from '../support/git-remote.js';
import { startHttpReceiver, type HttpReceiver } from '../support/notify-servers.js';
import { noonAfter } from '../support/agent-clock.js';
import { until as waitUntil } from '../support/until.js';

const KEY = 'agent-exp-api-key-73a0';
const latest = latestCompleteDay(new Date(), zoneOrThrow('PST'));
/** The agent's clock: `latest` stays its latest complete day even if the run crosses PST midnight. */
const clock = noonAfter(latest);
const start = addDays(latest, -3);
/** Days between the demo's first day and the test's first day. */
const shift = Math.round((Date.parse(start) - Date.parse(DEMO_FIRST_DAY)) / 86_400_000);

let remote: TempRemote;
let agent: Agent;
let base: string;
let gateDir: string;
let hook: HttpReceiver;

function until<T>(what: string, probe: () => Promise<T | undefined | false>, limitMs = 120_000): Promise<T> {
  return waitUntil(what, probe, { limitMs });
}

const gate = (day: string) => writeFileSync(join(gateDir, 'gate.csv'), `d\n${day}\n`);
const store = () => agent.running()!.store as Store;
const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body),
  });
const lastRun = async () =>
  (
    await store().query<{ refresh: string; seq: number }>(
      "SELECT refresh, CAST(run_seq AS INTEGER) AS seq FROM experiment_job_history WHERE experiment = 'checkout_button' ORDER BY run_seq DESC LIMIT 1",
    )
  )[0];
const report = () => git(remote.remote, 'show', `${remote.branch}:status/experiments/checkout_button.md`);
/** The last day the experiment's artifacts cover (undefined before its first run). */
const through = async () => {
  const [table] = await store().query(
    "SELECT 1 AS t FROM information_schema.tables WHERE table_name = 'experiment_state'",
  );
  if (!table) return undefined;
  return (
    await store().query<{ d: string }>(
      "SELECT CAST(through_day AS VARCHAR) AS d FROM experiment_state WHERE experiment = 'checkout_button'",
    )
  )[0]?.d;
};

function config(): Record<string, string> {
  const files = exampleConfigFiles();
  for (const path of Object.keys(files))
    if (path.startsWith('mappings/') && path.endsWith('.ts'))
      files[path] = files[path].replace(/startDate: '[^']+'/, `startDate: '${start}'`);
  files['mappings/app_events.sql'] =
    `SELECT event_id, event_time + INTERVAL ${shift} DAY AS event_time, event, value, properties, user_json FROM app_events\n`;
  files['mappings/daily_metrics.sql'] =
    `SELECT unit_id, id_type, CAST(ds + ${shift} AS DATE) AS ds, metric, value FROM daily_metrics\n`;
  files['mappings/checkout_conversion.sql'] =
    `SELECT unit_id, CAST(ds + ${shift} AS DATE) AS ds, metric, orders, checkouts FROM checkout_funnel\n` +
    `WHERE CAST(ds + ${shift} AS DATE) <= (SELECT MAX(d) FROM read_csv('${join(gateDir, 'gate.csv')}', columns = {'d': 'DATE'}, header = true))\n`;
  files['wharf.config.ts'] = files['wharf.config.ts'].replace(
    "timeZone: 'PST',",
    "timeZone: 'PST',\n  notifications: { targets: [{ kind: 'webhook', url: { env: 'E2E_HOOK_URL' } }] },",
  );
  files['experiments/checkout_button.ts'] = readFileSync(
    resolve(import.meta.dirname, '../../experiments/checkout_button.ts'),
    'utf8',
  ).replace("startDate: '2026-10-01'", `startDate: '${start}'`);
  return files;
}

beforeAll(async () => {
  hook = await startHttpReceiver('/hook');
  gateDir = mkdtempSync(join(tmpdir(), 'wharf-agent-exp-'));
  gate(addDays(latest, -1));
  remote = createRemote(config());
  agent = new Agent({
    repo: remote.remote,
    branch: remote.branch,
    workdir: join(remote.root, 'agent'),
    port: 0,
    clock,
    fetchIntervalMs: 3_600_000,
    statusFlushMs: 3_600_000,
    identity: { name: 'wharf-bot', email: 'bot@example.com' },
    env: { WHARF_API_KEYS: KEY, E2E_HOOK_URL: hook.url },
    log: process.env.DEBUG_AGENT_TEST ? createLogger({ level: 'info', format: 'json' }) : undefined,
  });
  base = `http://127.0.0.1:${(await agent.start()).port}`;
}, 180_000);

afterAll(async () => {
  await agent?.stop();
  await hook?.close();
  remote?.cleanup();
  rmSync(gateDir, { recursive: true, force: true });
});

describe('the agent runs experiments', () => {
  it('after the initial loads, pushes status/experiments/checkout_button.md with the results through the last day every metric has', async () => {
    await until('the experiment run over the initial loads', async () => (await through()) === addDays(latest, -1));
    await agent.flushStatus();
    const md = report();
    expect(md).toContain('# Experiment `checkout_button`');
    expect(md).toContain(`Data through ${addDays(latest, -1)}.`);
    // Exposed units, counted from the loaded events independently of the pipeline.
    const [exposed] = await store().query<{ n: number | bigint }>(
      `SELECT COUNT(DISTINCT user_id) AS n FROM events WHERE ingestion = 'app_events' AND event_name = 'experiment_exposure' AND day BETWEEN DATE '${start}' AND DATE '${addDays(latest, -1)}'`,
    );
    expect(Number(exposed.n)).toBeGreaterThan(0);
    expect(md).toContain(`Exposed units: ${Number(exposed.n)} (`);
    for (const metric of ['revenue', 'sessions', 'checkout_conversion']) expect(md).toContain(metric);
    expect(md).toMatch(/full refresh/);
  }, 150_000);

  it('a load of a new day refreshes the experiment incrementally and pushes the new report', async () => {
    const before = report();
    const runsBefore = (await lastRun()).seq;
    gate(latest);
    const res = await post('/v1/mark_data_ready', { datestamps: latest, mapping: 'checkout_conversion' });
    expect(res.status).toBe(202);
    // The run's state (through the day) commits before its job history: wait for both.
    await until(
      'the incremental refresh',
      async () => (await through()) === latest && (await lastRun()).seq > runsBefore,
    );
    const [run] = await store().query<{ refresh: string }>(
      "SELECT refresh FROM experiment_job_history WHERE experiment = 'checkout_button' ORDER BY run_seq DESC LIMIT 1",
    );
    expect(run.refresh).toBe('incremental');
    await agent.flushStatus();
    const after = report();
    expect(after).not.toBe(before);
    expect(after).toContain(`Data through ${latest}.`);
    expect(after).toMatch(/incremental refresh/);
    // Only files under status/ are committed by the agent.
    const files = git(remote.remote, 'show', '--name-only', '--format=', remote.branch).split('\n').filter(Boolean);
    expect(files.every((p) => p.startsWith('status/'))).toBe(true);
  }, 150_000);

  it('a failed run is notified once, noted in the report above the last results, and does not stop loads; the next load restates it', async () => {
    // A view where the pipeline expects its table: the full refresh cannot drop it and fails.
    await store().exec(
      'ALTER TABLE windowed_metrics_checkout_button RENAME TO wm_saved; CREATE VIEW windowed_metrics_checkout_button AS SELECT * FROM wm_saved',
    );
    const runsBefore = (await lastRun()).seq;
    // Reloading a day the experiment already covers asks for a full refresh.
    expect((await post('/v1/backfill', { mapping: 'daily_metrics', from: start, to: start })).status).toBe(202);
    await until('the failure notification', async () =>
      hook.bodies.some((b) => (b as { kind: string }).kind === 'experiment_failure'),
    );
    const failure = hook.bodies.find((b) => (b as { kind: string }).kind === 'experiment_failure') as {
      experiment: string;
      subject: string;
      detail: string;
    };
    expect(failure.experiment).toBe('checkout_button');
    expect(failure.subject).toBe('[demo] ❌ Experiment run failed: checkout_button');
    expect(failure.detail).toContain('windowed_metrics_checkout_button');
    expect((await lastRun()).seq).toBeGreaterThan(runsBefore);
    await agent.flushStatus();
    const md = report();
    expect(md).toMatch(/> \*\*The last run failed\*\* at step `reset artifact tables`/);
    // The previous results are still there (the run was one transaction), and the day loaded.
    expect(md).toContain(`Data through ${latest}.`);
    const status = (await (
      await fetch(`${base}/v1/status`, { headers: { authorization: `Bearer ${KEY}` } })
    ).json()) as { ingestions: { ingestion: string; days: { date: string; status: string }[] }[] };
    expect(
      status.ingestions.find((i) => i.ingestion === 'daily_metrics')?.days.find((d) => d.date === start)?.status,
    ).toBe('succeeded');

    await store().exec(
      'DROP VIEW windowed_metrics_checkout_button; ALTER TABLE wm_saved RENAME TO windowed_metrics_checkout_button',
    );
    const failedRun = (await lastRun()).seq;
    expect((await post('/v1/backfill', { mapping: 'daily_metrics', from: start, to: start })).status).toBe(202);
    await until('the restating run', async () => (await lastRun()).seq > failedRun);
    expect((await lastRun()).refresh).toBe('full');
    await agent.flushStatus();
    expect(report()).not.toContain('The last run failed');
    expect(hook.bodies.filter((b) => (b as { kind: string }).kind === 'experiment_failure')).toHaveLength(1);
  }, 150_000);
});
