/**
 * The Redshift SQL session against the PostgreSQL test server: Redshift takes no startup
 * options, so the session must set its search path and time zone by statements on each
 * connection. PostgreSQL records where a setting came from (`pg_settings.source`: `client`
 * for the startup packet, `session` for SET), which shows which way the session took.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/postgres.js';
import type { RedshiftSource } from '../../config/types.js';
import { testContext } from '../conformance/context.js';
import { connectorFor } from '../registry.js';
import type { SqlSession } from '../types.js';

let session: SqlSession | undefined;
afterAll(async () => session?.close());

type Setting = { name: string; setting: string; source: string };

describe('the redshift SQL session', () => {
  it('sets the schema first on the search path and UTC by statements, on every pooled connection', async () => {
    const url = await createTestDatabase('wharf_rs_session');
    const config: RedshiftSource = { kind: 'redshift', name: 'rs', url: { env: 'RS_URL' } };
    session = await (
      await connectorFor('redshift')
    ).openSqlSession!(config as never, testContext({ RS_URL: url }), {
      schema: 'exp_rs',
    });
    expect(session.kind).toBe('redshift');
    const settings = `SELECT name, setting, source FROM pg_settings WHERE name IN ('search_path', 'TimeZone')`;
    // Several at once, so more than one pooled connection answers.
    const answers = await Promise.all([1, 2, 3].map(() => session!.query<Setting>(settings)));
    const backends = new Set(answers.map((a) => a.report.queryId?.split(' #')[0]));
    expect(backends.size).toBeGreaterThan(1);
    for (const { rows } of answers) {
      expect([...rows].sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
        { name: 'TimeZone', setting: 'UTC', source: 'session' },
        { name: 'search_path', setting: 'exp_rs, public', source: 'session' },
      ]);
    }
    // Unqualified tables are created in the experiment's schema, and a failed transaction leaves nothing.
    await session.exec('CREATE TABLE kept (x INTEGER)');
    await expect(
      session.transaction!(async (tx) => {
        await tx.exec('CREATE TABLE dropped (x INTEGER)');
        await tx.exec('SELECT 1 / 0');
      }),
    ).rejects.toThrow(/division by zero/);
    const { rows } = await session.query<{ table_schema: string; table_name: string }>(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name IN ('kept', 'dropped')",
    );
    expect(rows).toEqual([{ table_schema: 'exp_rs', table_name: 'kept' }]);
  });
});
