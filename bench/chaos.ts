/**
 * Chaos and concurrency run: random SIGKILLs of `ingest run` / `ingest backfill` during loads
 * on a DuckDB and a PostgreSQL store, optionally concurrent loads of the same day, and races
 * against the agent's API (identical mark_data_ready calls at once, status calls at once,
 * out-of-bounds requests, backfills cut by SIGTERM). Then every day is compared with the
 * source warehouse: rows lost and rows duplicated must both be 0.
 *
 *   npx tsx bench/chaos.ts [--rounds 20] [--days 10] [--seed N] [--stores duckdb,postgres]
 *     [--postgres-url URL] [--concurrent-same-day 8] [--no-api] [--child-limit 60] [--deadline 0]
 *
 * `--concurrent-same-day N` starts N loads of one day at once on each store: the store's per-day
 * lock lets one replace the day at a time, so the day must still equal the source.
 * test/chaos/chaos.test.ts runs a small size in CI, with 4 concurrent loads.
 *
 * A stuck run names itself (chaos/watch.ts): the seed is logged first, each line carries the
 * seconds since the start, a child running past `--child-limit` seconds is described (command,
 * time, stderr, the PostgreSQL store's non-idle sessions) and killed, and the run fails with
 * that text; past `--deadline` seconds (0: none) it fails describing every child still running.
 */
import { parseArgs } from 'node:util';
import { apiRaces, type ApiRaceOptions, type ApiRaceReport } from './chaos/api-races.js';
import { concurrentSameDay, killRounds, type KillReport } from './chaos/kills.js';
import {
  chaosDays,
  chaosProject,
  checkDays,
  demoWarehouse,
  STORE_URL_ENV,
  type CheckResult,
  type StoreKind,
} from './chaos/project.js';
import { IngestProcesses } from './chaos/processes.js';
import { ChaosStall, ChaosWatch } from './chaos/watch.js';
import { mulberry32 } from '../test/support/random.js';

/** Default limit of one `ingest` child: a load of a few days takes seconds, even on a loaded machine. */
const CHILD_LIMIT_MS = 60_000;

export interface ChaosOptions {
  stores: StoreKind[];
  /** Kill rounds per store. */
  rounds: number;
  /** Days loaded per store, from 2026-10-01. */
  days: number;
  seed: number;
  /** Server URL of the PostgreSQL store (a fresh database); required with the postgres store. */
  postgresUrl?: string;
  /** Loads of one day started at once, per store; 0 or absent skips that part. */
  concurrentSameDay?: number;
  /** Agent API races; false skips them. */
  api: Omit<ApiRaceOptions, 'log' | 'watch'> | false;
  log?: (line: string) => void;
  /** How long one `ingest` child may run before it is reported and killed, ms (default 60 s). */
  childLimitMs?: number;
  /** How long the whole run may take before it fails describing what still runs, ms; absent: no limit. */
  deadlineMs?: number;
}

export interface StoreReport extends KillReport {
  store: StoreKind;
  sameDay?: { succeeded: number; refused: number };
  check: CheckResult;
}

export interface ChaosReport {
  stores: StoreReport[];
  api?: ApiRaceReport;
  lost: number;
  duplicated: number;
  ledgerDrift: number;
  /** Everything that broke a promise, one line each; empty when the run is clean. */
  failures: string[];
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const log = (line: string) => options.log?.(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
  log(`seed ${options.seed}`);
  const watch = new ChaosWatch({
    childLimitMs: options.childLimitMs ?? CHILD_LIMIT_MS,
    postgresUrl: options.postgresUrl,
  });
  try {
    const run = runStores(options, watch, log).then(async (stores) => {
      const api = options.api ? await apiRaces({ ...options.api, watch, log: (l) => log(`api: ${l}`) }) : undefined;
      return summarize(stores, api, options);
    });
    return await (options.deadlineMs ? withDeadline(run, options.deadlineMs, watch) : run);
  } finally {
    watch.stop();
  }
}

async function runStores(
  options: ChaosOptions,
  watch: ChaosWatch,
  log: (line: string) => void,
): Promise<StoreReport[]> {
  const random = mulberry32(options.seed);
  const stores: StoreReport[] = [];
  let warehouse: string | undefined;
  for (const store of options.stores) {
    if (store === 'postgres' && !options.postgresUrl)
      throw new Error('chaos: the postgres store needs --postgres-url (a fresh, empty database).');
    // The child processes and this process's own check read the store URL from the environment.
    if (options.postgresUrl) process.env[STORE_URL_ENV] = options.postgresUrl;
    const processes = new IngestProcesses({ ...process.env }, watch);
    const dir = chaosProject(store, warehouse);
    warehouse = demoWarehouse(dir);
    const days = chaosDays(options.days);
    const storeLog = (l: string) => log(`${store}: ${l}`);
    storeLog(`${options.rounds} kill rounds over ${days[0]}..${days[days.length - 1]} in ${dir}`);
    const kills = await killRounds(dir, { rounds: options.rounds, days, random, processes, log: storeLog });
    const sameDay = options.concurrentSameDay
      ? await concurrentSameDay(dir, days[0], options.concurrentSameDay, processes, storeLog)
      : undefined;
    const check = await checkDays(dir, store, days);
    storeLog(
      `${check.days.length} days checked, ${check.lost} rows lost, ${check.duplicated} duplicated, ${check.ledgerDrift} ledger drifts`,
    );
    stores.push({ store, ...kills, sameDay, check });
  }
  return stores;
}

/** `run`, or a ChaosStall describing every child still running once `ms` have passed. */
async function withDeadline<T>(run: Promise<T>, ms: number, watch: ChaosWatch): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void watch
        .snapshot()
        .then((what) => reject(new ChaosStall(`the chaos run passed its ${ms} ms deadline; ${what}`)));
    }, ms);
  });
  try {
    return await Promise.race([run, late]);
  } finally {
    clearTimeout(timer);
  }
}

function summarize(stores: StoreReport[], api: ApiRaceReport | undefined, options: ChaosOptions): ChaosReport {
  const checks = [...stores.map((s) => s.check), ...(api ? [api.check] : [])];
  const sum = (f: (c: CheckResult) => number) => checks.reduce((n, c) => n + f(c), 0);
  const report: ChaosReport = {
    stores,
    api,
    lost: sum((c) => c.lost),
    duplicated: sum((c) => c.duplicated),
    ledgerDrift: sum((c) => c.ledgerDrift),
    failures: [],
  };
  const fail = (line: string) => report.failures.push(line);
  for (const s of stores) {
    for (const d of s.check.days.filter(
      (d) => d.stored + d.rejected !== d.source || (d.ledger !== null && d.ledger !== d.stored),
    )) {
      fail(
        `${s.store} ${d.mapping} ${d.day}: source ${d.source} rows, stored ${d.stored} + rejected ${d.rejected}, ledger ${d.ledger ?? 'none'}`,
      );
    }
  }
  if (api && options.api) {
    if (api.mark[202] !== 1 || api.markQueued !== 2)
      fail(
        `mark_data_ready: ${options.api.markCalls} identical calls at once gave ${api.mark[202] ?? 0} accepted with ${api.markQueued} day(s) queued (expected 1 and 2)`,
      );
    if ((api.status[200] ?? 0) !== options.api.statusCalls)
      fail(`status: ${JSON.stringify(api.status)} for ${options.api.statusCalls} calls (expected all 200)`);
    for (const what of api.unbounded) fail(`not refused with 400: ${what}`);
    const unexpected = Object.keys(api.backfillAroundShutdown)
      .map(Number)
      .filter((s) => ![0, 202, 503].includes(s));
    if (unexpected.length)
      fail(
        `backfills around SIGTERM answered ${JSON.stringify(api.backfillAroundShutdown)} (only 202, 503 or a closed connection expected)`,
      );
    if (api.shutdownExit !== 0) fail(`the agent exited ${api.shutdownExit} after SIGTERM`);
    for (const d of api.check.days.filter(
      (d) => d.stored + d.rejected !== d.source || (d.ledger !== null && d.ledger !== d.stored),
    )) {
      fail(
        `agent ${d.mapping} ${d.day}: source ${d.source} rows, stored ${d.stored} + rejected ${d.rejected}, ledger ${d.ledger ?? 'none'}`,
      );
    }
  }
  return report;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '20' },
      days: { type: 'string', default: '10' },
      seed: { type: 'string', default: String(Date.now() % 100_000) },
      stores: { type: 'string', default: 'duckdb' },
      'postgres-url': { type: 'string' },
      'concurrent-same-day': { type: 'string', default: '0' },
      'no-api': { type: 'boolean', default: false },
      'child-limit': { type: 'string', default: String(CHILD_LIMIT_MS / 1000) },
      deadline: { type: 'string', default: '0' },
    },
  });
  const options: ChaosOptions = {
    stores: values.stores.split(',') as StoreKind[],
    rounds: Number(values.rounds),
    days: Number(values.days),
    seed: Number(values.seed),
    postgresUrl: values['postgres-url'],
    concurrentSameDay: Number(values['concurrent-same-day']),
    api: values['no-api'] ? false : { markCalls: 200, statusCalls: 500, backfillCalls: 100 },
    log: (line) => console.log(line),
    childLimitMs: Number(values['child-limit']) * 1000,
    deadlineMs: Number(values.deadline) * 1000 || undefined,
  };
  const report = await runChaos(options);
  console.log(
    `\n${report.lost} rows lost, ${report.duplicated} rows duplicated, ${report.ledgerDrift} ledger drifts; kills: ${report.stores.map((s) => `${s.store} ${s.kills}`).join(', ')}`,
  );
  for (const line of report.failures) console.log(`FAIL ${line}`);
  process.exitCode = report.failures.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
