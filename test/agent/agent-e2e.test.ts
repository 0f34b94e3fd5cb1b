/**
 * The agent end to end, against a bare "remote" repository in a temp folder holding the
 * example configuration: it applies and loads the demo, pushes status/ files matching the
 * ledger, serves the seed's mark_data_ready call (202, 401, 429 + Retry-After, 400), picks up
 * a commit adding a mapping, refuses an invalid one, notifies a failed day and its recovery
 * once per channel, and survives a foreign commit while it pushes status.
 *
 * The agent runs on a clock that starts at a fixed instant (noon in the project's zone on
 * 2026-10-10) and then moves with real time, so the days it loads, their row counts and the
 * calendar strips it pushes are the same on every run: the pushed SVGs are compared byte for
 * byte with the reviewed goldens in test/agent/golden/. `WHARF_UPDATE_GOLDEN=1 npx vitest run
 * test/agent/agent-e2e.test.ts` rewrites them; review them in a browser (light and dark
 * colour schemes) before committing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../framework/agent/daemon.js';
import { addDays } from '../../framework/util/time.js';
import {
  changedPaths,
  cloneRemote,
  commitAndPush,
  createRemote,
  exampleConfigFiles,
  git,
  type TempRemote,
} from '../support/git-remote.js';
import {
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from '../support/notify-servers.js';
import { noonAfter } from '../support/agent-clock.js';
import { until as waitUntil } from '../support/until.js';

const KEY = 'agent-e2e-api-key-5b1d';
const SMTP_PASSWORD = 'smtp-e2e-pass-91c2';
// Noon on 2026-10-10 in the example's zone (PST, UTC-8): the latest complete day is the 9th,
// and the day cannot end during the run.
const latest = '2026-10-09';
const clock = noonAfter(latest);
const start = addDays(latest, -2);
const GOLDEN = join(import.meta.dirname, 'golden');

/** The pushed chart against its reviewed golden (rewritten with WHARF_UPDATE_GOLDEN=1). */
function expectGolden(name: string, svg: string): void {
  const path = join(GOLDEN, name);
  if (process.env.WHARF_UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, svg);
  }
  expect(svg, `${name} differs from its golden (see the header of this file)`).toBe(readFileSync(path, 'utf8'));
}

let remote: TempRemote;
let other: string;
let agent: Agent;
let base: string;
let slack: HttpReceiver;
let hook: HttpReceiver;
let smtp: SmtpReceiver;

function until<T>(what: string, probe: () => Promise<T | undefined | false>, limitMs = 90_000): Promise<T> {
  return waitUntil(what, probe, { limitMs });
}

interface StatusBody {
  appliedCommit: string | null;
  rejectedCommit: { sha: string; problems: string[] } | null;
  ingestions: {
    ingestion: string;
    days: { date: string; status: string; rowsLoaded: number; duplicates: number | null }[];
  }[];
}

const status = async (): Promise<StatusBody> => {
  const res = await fetch(`${base}/v1/status`, { headers: { authorization: `Bearer ${KEY}` } });
  const body = (await res.json()) as StatusBody;
  if (res.status !== 200) throw new Error(`GET /v1/status answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
};
const daysOf = (s: StatusBody, name: string) => s.ingestions.find((i) => i.ingestion === name)?.days ?? [];
const post = (path: string, body: unknown, key = KEY) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'statsig-api-key': key },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const kinds = (r: HttpReceiver) =>
  r.bodies.map((b) => (b as { kind?: string; text?: string }).kind ?? (b as { text: string }).text.split('\n')[0]);

function config(): Record<string, string> {
  const files = exampleConfigFiles();
  for (const path of Object.keys(files))
    if (path.startsWith('mappings/') && path.endsWith('.ts'))
      files[path] = files[path].replace(/startDate: '[^']+'/, `startDate: '${start}'`);
  // The seed's example asks for type "events": make the events mapping API-triggered.
  files['mappings/app_events.ts'] = files['mappings/app_events.ts'].replace(
    "schedule: 'daily_9am'",
    "schedule: 'on_demand'",
  );
  files['wharf.config.ts'] = files['wharf.config.ts'].replace(
    "timeZone: 'PST',",
    `timeZone: 'PST',
  notifications: {
    targets: [
      { kind: 'slack', webhookUrl: { env: 'E2E_SLACK_URL' } },
      { kind: 'email', smtpUrl: { env: 'E2E_SMTP_URL' }, from: 'wharf@example.com', to: ['data@example.com'] },
      { kind: 'webhook', url: { env: 'E2E_HOOK_URL' } },
    ],
  },`,
  );
  return files;
}

/** A copy of daily_metrics; `broken`, its SQL names the mapped `value` column `amount`, so every load fails. */
function flakyMapping({ broken }: { broken: boolean }): Record<string, string> {
  const ts = readFileSync(join(other, 'mappings/daily_metrics.ts'), 'utf8')
    .replace("name: 'daily_metrics'", "name: 'flaky_metrics'")
    .replace("'./daily_metrics.sql'", "'./flaky_metrics.sql'")
    .replace(/startDate: '[^']+'/, `startDate: '${latest}'`)
    .replace("schedule: 'daily_9am'", "schedule: 'on_demand'");
  const sql = readFileSync(join(other, 'mappings/daily_metrics.sql'), 'utf8').replace(
    'metric, value',
    broken ? 'metric, value AS amount' : 'metric, value',
  );
  return { 'mappings/flaky_metrics.ts': ts, 'mappings/flaky_metrics.sql': sql };
}

beforeAll(async () => {
  [slack, hook, smtp] = await Promise.all([
    startHttpReceiver('/slack'),
    startHttpReceiver('/hook'),
    startSmtpReceiver(SMTP_PASSWORD),
  ]);
  remote = createRemote(config());
  other = cloneRemote(remote, 'someone');
  agent = new Agent({
    repo: remote.remote,
    branch: remote.branch,
    workdir: join(remote.root, 'agent'),
    port: 0,
    fetchIntervalMs: 3_600_000,
    statusFlushMs: 3_600_000,
    identity: { name: 'wharf-bot', email: 'bot@example.com' },
    clock,
    env: {
      WHARF_API_KEYS: KEY,
      WHARF_GIT_WEBHOOK_SECRET: 'e2e-webhook-secret',
      E2E_SLACK_URL: slack.url,
      E2E_HOOK_URL: hook.url,
      E2E_SMTP_URL: `smtp://wharf:${SMTP_PASSWORD}@127.0.0.1:${smtp.port}`,
    },
  });
  const address = await agent.start();
  base = `http://127.0.0.1:${address.port}`;
}, 180_000);

afterAll(async () => {
  await agent?.stop();
  await Promise.all([slack?.close(), hook?.close(), smtp?.close()]);
  remote?.cleanup();
});

describe('ingest agent end to end', () => {
  it('applies the example config, loads the demo days and pushes status files matching the ledger', async () => {
    expect(agent.appliedCommit).toBe(git(remote.remote, 'rev-parse', remote.branch));
    const loaded = await until('the initial backfill', async () => {
      const s = await status();
      return (
        s.ingestions.length === 3 &&
        s.ingestions.every((i) => i.days.length === 3) &&
        s.ingestions.every((i) => i.days.every((d) => d.status !== 'failed')) &&
        s
      );
    });
    const pushed = await agent.flushStatus();
    expect(pushed?.sha).toBeTruthy();
    for (const ingestion of loaded.ingestions) {
      const file = JSON.parse(git(remote.remote, 'show', `${remote.branch}:status/${ingestion.ingestion}.json`));
      expect(file.formatVersion).toBe(1);
      expect(
        file.days.map((d: { date: string; status: string; rowsLoaded: number; duplicates: number | null }) => [
          d.date,
          d.status,
          d.rowsLoaded,
          d.duplicates,
        ]),
      ).toEqual(ingestion.days.map((d) => [d.date, d.status, d.rowsLoaded, d.duplicates]));
      // Days loaded by this version keep their count of duplicate timeuuid rows dropped (never unknown).
      for (const d of ingestion.days)
        expect(Number.isInteger(d.duplicates) && (d.duplicates as number) >= 0).toBe(true);
    }
    expect(git(remote.remote, 'show', `${remote.branch}:status/README.md`)).toContain('[app_events](app_events.md)');
    // Each ingestion's page links its calendar strip: its golden, whose cells carry the ledger's figures.
    for (const ingestion of loaded.ingestions) {
      expect(git(remote.remote, 'show', `${remote.branch}:status/${ingestion.ingestion}.md`)).toContain(
        `](charts/${ingestion.ingestion}.svg)`,
      );
      const svg = execFileSync('git', ['show', `${remote.branch}:status/charts/${ingestion.ingestion}.svg`], {
        cwd: remote.remote,
        encoding: 'utf8',
      });
      expectGolden(`${ingestion.ingestion}.svg`, svg);
      const cells = parse(svg)
        .querySelectorAll('path > title')
        .map((t) => t.text);
      expect(cells).toHaveLength(90);
      expect(cells.at(-1)?.startsWith(`${latest}: `)).toBe(true);
      for (const d of ingestion.days) {
        const label = d.status === 'no_data' ? 'no data' : d.status;
        expect(cells.find((c) => c.startsWith(`${d.date}: `))).toMatch(
          new RegExp(
            `^${d.date}: (${label}|reloaded after recheck), ${d.rowsLoaded.toLocaleString('en-US')} rows loaded`,
          ),
        );
      }
    }
    expect(
      JSON.parse(git(remote.remote, 'show', `${remote.branch}:status/state.json`)).ingestions.app_events,
    ).toBeTruthy();
  });

  it("serves the seed's curl example: 202, then 429 with Retry-After; 401 for a wrong key; 400 with the reason", async () => {
    const { stdout } = await promisify(execFile)(
      'curl',
      [
        '-s',
        '-i',
        '--header',
        `statsig-api-key: ${KEY}`,
        '--header',
        'Content-Type: application/json',
        '--request',
        'POST',
        '--data',
        `{"datestamps": "${latest}", "type": "events"}`,
        `${base}/v1/mark_data_ready_dwh`,
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(stdout).toMatch(/^HTTP\/1\.1 202/);
    expect(JSON.parse(stdout.slice(stdout.indexOf('\r\n\r\n') + 4)).queued).toEqual([
      { mapping: 'app_events', day: latest },
    ]);
    const again = await post('/v1/mark_data_ready_dwh', { datestamps: latest, type: 'events' });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(7000);
    expect((await post('/v1/mark_data_ready_dwh', { datestamps: latest, type: 'events' }, 'wrong-key')).status).toBe(
      401,
    );
    const bad = await post('/v1/mark_data_ready_dwh', '{"datestamps": 20230220, "type": "events"}');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/'datestamps' has 20230220, which is not a date/);
    // The triggered load ran: the day was loaded again through the API trigger.
    await until(
      'the API-triggered load',
      async () =>
        (await status()).ingestions.length > 0 &&
        (await fetch(`${base}/metrics`).then((r) => r.text())).includes('wharf_queue_depth 0'),
    );
  });

  it('picks up a commit adding a mapping and backfills it; refuses an invalid commit and keeps the previous config', async () => {
    const files = readFileSync(join(other, 'mappings/app_events.ts'), 'utf8').replace(
      "name: 'app_events'",
      "name: 'more_events'",
    );
    git(other, 'pull', '-q', '--rebase', 'origin', remote.branch);
    const added = commitAndPush(other, remote.branch, { 'mappings/more_events.ts': files }, 'add more_events');
    const push = JSON.stringify({ ref: `refs/heads/${remote.branch}`, after: added });
    const signature = `sha256=${createHmac('sha256', 'e2e-webhook-secret').update(push).digest('hex')}`;
    const webhook = await fetch(`${base}/v1/webhooks/git`, {
      method: 'POST',
      headers: { 'x-github-event': 'push', 'x-hub-signature-256': signature },
      body: push,
    });
    expect(webhook.status).toBe(202);
    await agent['follower'].poll();
    expect(agent.appliedCommit).toBe(added);
    await until('more_events backfilled', async () => daysOf(await status(), 'more_events').length === 3);

    const bad = commitAndPush(
      other,
      remote.branch,
      {
        'mappings/broken.ts': files
          .replace("name: 'more_events'", "name: 'broken'")
          .replace("source: 'demo'", "source: 'missing_source'"),
      },
      'add a broken mapping',
    );
    await agent['follower'].poll();
    expect(agent.appliedCommit).toBe(added);
    const s = await status();
    expect(s.rejectedCommit?.sha).toBe(bad);
    expect(s.rejectedCommit?.problems.join('\n')).toContain('missing_source');
    expect(kinds(hook)).toContain('config_rejected');
    await agent.flushStatus();
    expect(git(remote.remote, 'show', `${remote.branch}:status/README.md`)).toContain(bad);
    commitAndPush(other, remote.branch, { 'mappings/broken.ts': null }, 'remove the broken mapping');
    await agent['follower'].poll();
  });

  it('sends one Slack, one e-mail and one webhook for a failed day, and one each for its recovery', async () => {
    const before = { slack: slack.bodies.length, hook: hook.bodies.length, mail: smtp.mails.length };
    const sha = commitAndPush(
      other,
      remote.branch,
      flakyMapping({ broken: true }),
      'add flaky_metrics missing a mapped column',
    );
    await agent['follower'].poll();
    expect(agent.appliedCommit).toBe(sha);
    await until('the failed day', async () => daysOf(await status(), 'flaky_metrics')[0]?.status === 'failed');
    await until(
      'the failure notifications',
      async () => smtp.mails.length > before.mail && hook.bodies.length > before.hook,
    );
    expect(kinds(hook).slice(before.hook)).toEqual(['failure']);
    expect(slack.bodies.slice(before.slack).map((b) => (b as { text: string }).text.split('\n')[0])).toEqual([
      `*[demo] ❌ Ingestion failed: flaky_metrics ${latest}*`,
    ]);
    expect(smtp.mails.length - before.mail).toBe(1);
    // What to do travels with the failure: in the notifications and the pushed status report.
    const remedy = 'The query returns: unit_id, id_type, ds, metric, amount.';
    expect((hook.bodies.at(-1) as { hint?: string }).hint).toContain(remedy);
    expect((slack.bodies.at(-1) as { text: string }).text).toContain(remedy);
    await agent.flushStatus();
    const report = git(remote.remote, 'show', `${remote.branch}:status/flaky_metrics.md`);
    expect(report.split('\n').find((l) => l.startsWith(`| ${latest} |`))).toContain(
      `does not return: metric_value → 'value'. — ${remedy}`,
    );

    commitAndPush(other, remote.branch, flakyMapping({ broken: false }), 'fix flaky_metrics');
    await agent['follower'].poll();
    expect((await post('/v1/backfill', { mapping: 'flaky_metrics', from: latest, to: latest })).status).toBe(202);
    await until('the recovered day', async () => daysOf(await status(), 'flaky_metrics')[0]?.status === 'succeeded');
    await until(
      'the recovery notifications',
      async () => smtp.mails.length >= before.mail + 2 && hook.bodies.length >= before.hook + 2,
    );
    expect(kinds(hook).slice(before.hook)).toEqual(['failure', 'recovery']);
    expect(slack.bodies.length - before.slack).toBe(2);
    expect(smtp.mails.length - before.mail).toBe(2);
  });

  it('pushes status past a foreign commit and never changes anything outside status/', async () => {
    const foreign = commitAndPush(other, remote.branch, { 'docs/notes.md': 'hello\n' }, 'someone else');
    const pushed = await agent.flushStatus();
    expect(pushed?.sha).toBeTruthy();
    expect(git(remote.remote, 'merge-base', '--is-ancestor', foreign, remote.branch)).toBe('');
    const botCommits = git(remote.remote, 'log', '--format=%H', '--author=wharf-bot', remote.branch)
      .split('\n')
      .filter(Boolean);
    expect(botCommits.length).toBeGreaterThan(1);
    for (const c of botCommits) expect(changedPaths(remote, c).every((p) => p.startsWith('status/'))).toBe(true);
    expect(git(remote.remote, 'show', `${remote.branch}:docs/notes.md`)).toBe('hello');
  });
});
