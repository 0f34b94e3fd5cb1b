/**
 * Races against a real `ingest agent` process: identical mark_data_ready calls at once,
 * many status calls at once, out-of-bounds requests, and backfill requests cut by SIGTERM.
 * Counts what the agent answered; the days it loaded are checked against the source after.
 */
import { agentArgs } from '../../test/support/agent-process.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { addDays, dayRange, latestCompleteDay, zoneOrThrow } from '../../framework/util/time.js';
import { createRemote, exampleConfigFiles, type TempRemote } from '../../test/support/git-remote.js';
import { checkDays, type CheckResult } from './project.js';
import type { ChaosWatch, Watched } from './watch.js';

const KEY = 'chaos-api-key-3f9e';
/** How long the agent may take to exit after SIGTERM (it finishes the loads under way). */
const AGENT_STOP_LIMIT_MS = 60_000;
/** How long the agent may take to load what it was asked to. */
const AGENT_LOAD_LIMIT_MS = 90_000;

export interface ApiRaceOptions {
  /** Identical mark_data_ready calls sent at once. */
  markCalls: number;
  /** GET /v1/status calls sent at once. */
  statusCalls: number;
  /** Backfill calls sent at once, half of them after SIGTERM. */
  backfillCalls: number;
  log: (line: string) => void;
  /** The run's watchdog; the agent is watched from SIGTERM to its exit. */
  watch: ChaosWatch;
}

export interface ApiRaceReport {
  /** Answers to the identical mark_data_ready calls, by status. */
  mark: Record<number, number>;
  /** Days queued by the accepted mark_data_ready call. */
  markQueued: number;
  /** Answers to the status calls, by status. */
  status: Record<number, number>;
  /** Out-of-bounds requests that were not refused with 400. */
  unbounded: string[];
  /** Answers to the backfill calls around SIGTERM, by status (0: connection refused or closed). */
  backfillAroundShutdown: Record<number, number>;
  /** Exit code of the agent after SIGTERM. */
  shutdownExit: number | null;
  check: CheckResult;
}

export async function apiRaces(options: ApiRaceOptions): Promise<ApiRaceReport> {
  const latest = latestCompleteDay(new Date(), zoneOrThrow('PST'));
  const metricsFrom = addDays(latest, -2);
  const remote = createRemote(configFiles(latest, metricsFrom));
  const agents: Agent[] = [];
  try {
    // A port the system just handed out, not one picked at random from a range other tests' agents use too.
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const start = () => {
      const started = startAgent(remote, port, options.watch);
      agents.push(started);
      return started;
    };
    let agent = start();
    // The first apply queues the initial backfills; the races start once they are loaded.
    await until(
      'the initial backfill loaded',
      agent,
      async () =>
        (await health(base))?.appliedCommit != null &&
        (await loadedDays(base, 'daily_metrics')) >= 3 &&
        (await queueDepth(base)) === 0,
    );

    const marks = await Promise.all(
      Array.from({ length: options.markCalls }, () =>
        call(base, '/v1/mark_data_ready', {
          datestamps: [addDays(latest, -2), addDays(latest, -1)],
          mapping: 'checkout_conversion',
        }),
      ),
    );
    const markQueued = marks
      .filter((m) => m.status === 202)
      .reduce((n, m) => n + ((m.body as { queued?: unknown[] }).queued?.length ?? 0), 0);
    options.log(
      `${options.markCalls} identical mark_data_ready at once: ${JSON.stringify(tally(marks))}, ${markQueued} day(s) queued`,
    );

    const statuses = await Promise.all(Array.from({ length: options.statusCalls }, () => call(base, '/v1/status')));
    options.log(`${options.statusCalls} status calls at once: ${JSON.stringify(tally(statuses))}`);

    const unbounded = await outOfBounds(base, latest);
    options.log(`out-of-bounds requests not refused with 400: ${unbounded.length}`);

    // Backfills racing a shutdown: half sent, SIGTERM, the other half sent while it drains.
    const body = { mapping: 'daily_metrics', from: metricsFrom, to: latest };
    const first = Array.from({ length: Math.ceil(options.backfillCalls / 2) }, () => call(base, '/v1/backfill', body));
    await Promise.race(first);
    const stopping = stop(agent);
    const second = Array.from({ length: Math.floor(options.backfillCalls / 2) }, () =>
      call(base, '/v1/backfill', body),
    );
    const around = await Promise.all([...first, ...second]);
    const shutdownExit = await stopping;
    options.log(
      `${options.backfillCalls} backfills around SIGTERM: ${JSON.stringify(tally(around))}; agent exited ${shutdownExit}`,
    );

    // Back up: everything queued is loaded, then the days are checked against the source.
    agent = start();
    await until(
      'every queued day loaded',
      agent,
      async () => (await health(base))?.appliedCommit != null && (await queueDepth(base)) === 0,
    );
    await stop(agent);
    const check = await checkDays(join(remote.root, 'agent', 'repo'), 'duckdb', {
      daily_metrics: dayRange(metricsFrom, latest),
      app_events: [latest],
    });
    return {
      mark: tally(marks),
      markQueued,
      status: tally(statuses),
      unbounded,
      backfillAroundShutdown: tally(around),
      shutdownExit,
      check,
    };
  } finally {
    for (const { child } of agents) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    remote.cleanup();
  }
}

function configFiles(latest: string, metricsFrom: string): Record<string, string> {
  const files = exampleConfigFiles();
  const setStart = (path: string, day: string) =>
    (files[path] = files[path].replace(/startDate: '[^']+'/, `startDate: '${day}'`));
  setStart('mappings/app_events.ts', latest);
  setStart('mappings/daily_metrics.ts', metricsFrom);
  setStart('mappings/checkout_conversion.ts', addDays(latest, -3));
  return files;
}

interface Agent {
  child: ChildProcess;
  watched: Watched;
  /** Its exit code; rejects with the watchdog's report when it did not exit in time after SIGTERM. */
  exited: Promise<number | null>;
}

function startAgent(remote: TempRemote, port: number, watch: ChaosWatch): Agent {
  const child = spawn(process.execPath, agentArgs(remote, port, ['--log-level', 'warn', '--fetch-interval', '1h']), {
    env: { ...process.env, WHARF_API_KEYS: KEY },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let watched!: Watched;
  const exited = new Promise<number | null>((resolve, reject) => {
    // No limit while it serves; stop() sets one.
    watched = watch.watch(child, `ingest agent --port ${port}`, reject, Infinity);
    child.once('exit', (code) => resolve(code));
  });
  exited.catch(() => undefined);
  return { child, watched, exited };
}

/** A loopback port free a moment ago (the system's choice). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** SIGTERM, then its exit code once it has drained, within AGENT_STOP_LIMIT_MS. */
function stop(agent: Agent): Promise<number | null> {
  agent.watched.limitIn(AGENT_STOP_LIMIT_MS);
  agent.child.kill('SIGTERM');
  return agent.exited;
}

/** The requests that must be refused with 400, each named by what is wrong. */
async function outOfBounds(base: string, latest: string): Promise<string[]> {
  const cases: [string, string, unknown][] = [
    ['mark_data_ready 9999-12-31', '/v1/mark_data_ready', { datestamps: '9999-12-31', mapping: 'checkout_conversion' }],
    ['backfill before startDate', '/v1/backfill', { mapping: 'daily_metrics', from: '2000-01-01', to: latest }],
    [
      'backfill after the latest complete day',
      '/v1/backfill',
      { mapping: 'daily_metrics', from: latest, to: '9999-12-31' },
    ],
    [
      'backfill with an unknown field',
      '/v1/backfill',
      { mapping: 'daily_metrics', from: latest, to: latest, force: true },
    ],
  ];
  const out: string[] = [];
  for (const [what, path, body] of cases) if ((await call(base, path, body)).status !== 400) out.push(what);
  return out;
}

interface Answer {
  status: number;
  body: unknown;
}

/** One API call; status 0 when the connection was refused or closed (the agent is stopping). */
async function call(base: string, path: string, body?: unknown): Promise<Answer> {
  try {
    const res = await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch {
    return { status: 0, body: null };
  }
}

function tally(answers: Answer[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

async function health(base: string): Promise<{ appliedCommit: string | null } | null> {
  const a = await call(base, '/healthz');
  return a.status === 200 ? (a.body as { appliedCommit: string | null }) : null;
}

async function loadedDays(base: string, mapping: string): Promise<number> {
  const a = await call(base, '/v1/status');
  if (a.status !== 200) return 0;
  const ingestion = (a.body as { ingestions: { ingestion: string; days: { status: string }[] }[] }).ingestions.find(
    (i) => i.ingestion === mapping,
  );
  return ingestion?.days.filter((d) => d.status !== 'failed').length ?? 0;
}

async function queueDepth(base: string): Promise<number> {
  try {
    const text = await (await fetch(`${base}/metrics`)).text();
    return Number(/^wharf_queue_depth (\d+)/m.exec(text)?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/** Polls `probe` until it holds; gives up after AGENT_LOAD_LIMIT_MS with the agent's stderr, or when it exits. */
async function until(what: string, agent: Agent, probe: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  let gone = false;
  void agent.exited.then(
    () => (gone = true),
    () => (gone = true),
  );
  while (!(await probe())) {
    const waited = Date.now() - started;
    if (gone || waited > AGENT_LOAD_LIMIT_MS) {
      const why = gone ? `the agent exited (${agent.child.exitCode ?? agent.child.signalCode})` : `${waited} ms`;
      const stderr = agent.watched.stderr().trimEnd().replace(/^/gm, '    | ') || '    | (nothing)';
      throw new Error(`chaos: gave up waiting for ${what} after ${why}; agent stderr so far:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
