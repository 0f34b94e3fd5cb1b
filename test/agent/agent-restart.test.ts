/**
 * `ingest agent` as an operator runs it: the CLI process, killed with SIGKILL in the middle of
 * its initial backfill and started again, then stopped with SIGTERM mid-backfill and started
 * again. Every day ends up loaded exactly once (no duplicate, no missing rows, each day's rows
 * matching its ledger entry), and SIGTERM stops it cleanly without waiting for the whole queue.
 */
import { agentArgs } from '../support/agent-process.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStoreConnection } from '../../framework/store/open-store.js';
import { addDays } from '../../framework/util/time.js';
import { midDayZone, withTimeZone } from '../support/mid-day-zone.js';
import { createRemote, exampleConfigFiles, type TempRemote } from '../support/git-remote.js';

const KEY = 'restart-test-key-77aa';
const DAYS = 12;
// A zone in which the day cannot end during the run (see mid-day-zone.ts).
const zone = midDayZone();
const latest = zone.latest;
const start = addDays(latest, -(DAYS - 1));
let remote: TempRemote;
const children: ChildProcess[] = [];
let logTail = '';

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  remote?.cleanup();
});

function startAgent(port: number): ChildProcess {
  const child = spawn(process.execPath, agentArgs(remote, port), {
    env: { ...process.env, WHARF_API_KEYS: KEY },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The last log lines, shown when a wait gives up.
  child.stderr?.on('data', (chunk: Buffer) => {
    logTail = (logTail + chunk.toString()).slice(-4000);
  });
  children.push(child);
  return child;
}

async function loadedDays(port: number): Promise<number | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/status`, { headers: { authorization: `Bearer ${KEY}` } });
    const body = (await res.json()) as { ingestions: { days: { status: string }[] }[] };
    return body.ingestions.reduce((n, i) => n + i.days.filter((d) => d.status !== 'failed').length, 0);
  } catch {
    return null;
  }
}

async function until(what: string, probe: () => Promise<boolean>, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; the agent's last log lines:\n${logTail}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The exit code (null when killed by a signal), also when the process already exited. */
const exited = (c: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    c.exitCode !== null || c.signalCode !== null ? resolve(c.exitCode) : c.once('exit', (code) => resolve(code)),
  );

describe('ingest agent process', () => {
  it(
    'resumes after SIGKILL and after SIGTERM mid-backfill, with every day loaded exactly once',
    { timeout: 300_000 },
    async () => {
      const files = exampleConfigFiles();
      files['wharf.config.ts'] = withTimeZone(files['wharf.config.ts'], zone.timeZone);
      for (const path of Object.keys(files))
        if (path.startsWith('mappings/') && path.endsWith('.ts'))
          files[path] = files[path].replace(/startDate: '[^']+'/, `startDate: '${start}'`);
      remote = createRemote(files);
      const port = 18000 + Math.floor(Math.random() * 2000);
      const first = startAgent(port);
      await until('the first loaded day', async () => ((await loadedDays(port)) ?? 0) >= 1);
      first.kill('SIGKILL');
      await exited(first);

      // SIGTERM in the middle of the backfill: the loads under way finish, the rest stay queued.
      const second = startAgent(port);
      const before = await until('the agent back', async () => (await loadedDays(port)) !== null).then(() =>
        loadedDays(port),
      );
      await until('one more day loaded', async () => ((await loadedDays(port)) ?? 0) > (before ?? 0));
      second.kill('SIGTERM');
      expect(await exited(second)).toBe(0);

      const third = startAgent(port);
      await until('every day loaded', async () => (await loadedDays(port)) === 3 * DAYS);
      third.kill('SIGTERM');
      expect(await exited(third)).toBe(0);

      const db = await openStoreConnection(
        { kind: 'duckdb', path: join(remote.root, 'agent', 'repo', '.wharf', 'store.duckdb') },
        remote.root,
      );
      try {
        const ledger = await db.query<{ ingestion: string; date: string; rows_loaded: number; status: string }>(
          'SELECT ingestion, CAST("date" AS VARCHAR) AS date, rows_loaded, status FROM ledger ORDER BY 1, 2',
        );
        expect(ledger).toHaveLength(3 * DAYS);
        expect(ledger.every((e) => e.status === 'succeeded')).toBe(true);
        const events = await db.query<{ day: string; n: number; distinct_ids: number }>(
          "SELECT CAST(day AS VARCHAR) AS day, COUNT(*) AS n, COUNT(DISTINCT timeuuid) AS distinct_ids FROM events WHERE ingestion = 'app_events' GROUP BY 1 ORDER BY 1",
        );
        expect(events).toHaveLength(DAYS);
        for (const e of events) {
          expect(Number(e.n)).toBe(Number(e.distinct_ids));
          expect(Number(e.n)).toBe(
            Number(ledger.find((l) => l.ingestion === 'app_events' && l.date === e.day)?.rows_loaded),
          );
        }
        const metrics = await db.query<{ ingestion: string; date: string; n: number }>(
          'SELECT ingestion, CAST("date" AS VARCHAR) AS date, COUNT(*) AS n FROM metrics GROUP BY 1, 2',
        );
        for (const m of metrics)
          expect(Number(m.n)).toBe(
            Number(ledger.find((l) => l.ingestion === m.ingestion && l.date === m.date)?.rows_loaded),
          );
        const attempts = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM attempts');
        expect(Number(attempts[0].n)).toBeGreaterThanOrEqual(3 * DAYS);
      } finally {
        await db.close();
      }
    },
  );
});
