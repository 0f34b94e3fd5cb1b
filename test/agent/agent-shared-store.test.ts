/**
 * Two agents following the same repository with one PostgreSQL store share the work: both
 * apply the commit (the second finds nothing left to do), every day ends up loaded, and no
 * day was ever loaded by both at the same time (the attempts of a day never overlap).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent } from '../../framework/agent/daemon.js';
import { createLogger } from '../../framework/util/log.js';
import { openStoreConnection } from '../../framework/store/open-store.js';
import { addDays } from '../../framework/util/time.js';
import { midDayZone, withTimeZone } from '../support/mid-day-zone.js';
import { createRemote, exampleConfigFiles, type TempRemote } from '../support/git-remote.js';
import { createTestDatabase } from '../support/postgres.js';

const DAYS = 5;
// A zone in which the day cannot end during the run (see mid-day-zone.ts).
const zone = midDayZone();
const latest = zone.latest;
let remote: TempRemote;
const agents: Agent[] = [];

afterAll(async () => {
  for (const a of agents) await a.stop();
  remote?.cleanup();
});

describe('two agents on one PostgreSQL store', () => {
  it('load every day, never the same day at once', { timeout: 300_000 }, async () => {
    const url = await createTestDatabase('wharf_agents');
    const files = exampleConfigFiles();
    files['wharf.config.ts'] = withTimeZone(files['wharf.config.ts'], zone.timeZone);
    for (const path of Object.keys(files))
      if (path.startsWith('mappings/') && path.endsWith('.ts'))
        files[path] = files[path].replace(/startDate: '[^']+'/, `startDate: '${addDays(latest, -(DAYS - 1))}'`);
    files['wharf.config.ts'] = files['wharf.config.ts'].replace(
      /store: \{[^}]*\},/,
      "store: { kind: 'postgres', url: { env: 'SHARED_STORE_URL' } },",
    );
    expect(files['wharf.config.ts']).toContain('SHARED_STORE_URL');
    remote = createRemote(files);
    // The store URL is read from the process environment, as in production.
    process.env.SHARED_STORE_URL = url;
    for (const name of ['a', 'b']) {
      agents.push(
        new Agent({
          repo: remote.remote,
          branch: remote.branch,
          workdir: join(remote.root, `agent-${name}`),
          port: 0,
          noStatusPush: true,
          fetchIntervalMs: 3_600_000,
          log: createLogger({ level: 'warn', write: (l) => process.stderr.write(l) }),
          env: { WHARF_API_KEYS: 'k-shared-1234' },
        }),
      );
    }
    await Promise.all(agents.map((a) => a.start()));
    expect(agents.every((a) => a.appliedCommit !== null)).toBe(true);

    const db = await openStoreConnection({ kind: 'postgres', url: { env: 'SHARED_STORE_URL' } }, remote.root);
    try {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const [{ n }] = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM ledger WHERE status <> 'failed'");
        if (Number(n) === 3 * DAYS) break;
        if (Date.now() > deadline) throw new Error(`only ${n} of ${3 * DAYS} days loaded`);
        await new Promise((r) => setTimeout(r, 200));
      }
      for (const a of agents) await a.stop();
      agents.length = 0;
      const attempts = await db.query<{ ingestion: string; date: string; started_at: Date; finished_at: Date }>(
        'SELECT ingestion, CAST("date" AS VARCHAR) AS date, started_at, finished_at FROM attempts ORDER BY ingestion, "date", started_at',
      );
      expect(attempts.length).toBeGreaterThanOrEqual(3 * DAYS);
      for (let i = 1; i < attempts.length; i++) {
        const [prev, cur] = [attempts[i - 1], attempts[i]];
        if (prev.ingestion === cur.ingestion && prev.date === cur.date)
          expect(new Date(cur.started_at).getTime()).toBeGreaterThanOrEqual(new Date(prev.finished_at).getTime());
      }
      const [{ n: rows }] = await db.query<{ n: number }>(
        'SELECT COUNT(*) AS n FROM (SELECT timeuuid FROM events GROUP BY timeuuid HAVING COUNT(*) > 1) d',
      );
      expect(Number(rows)).toBe(0);
    } finally {
      await db.close();
    }
  });
});
