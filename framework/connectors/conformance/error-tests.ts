/** Conformance: failures surface as WharfErrors of the right class, naming what failed. */
import { beforeAll, describe, expect, it } from 'vitest';
import { WharfError } from '../../diagnostics/errors.js';
import type { Connector, QuerySpec } from '../types.js';
import { filterFor, VALUE_COLUMNS, VALUE_ROWS } from './fixtures.js';
import type { ConformanceHarness } from './harness.js';
import { collect, CONFORMANCE_MAPPING, CONFORMANCE_SQL_FILE, querySpec, thrownBy } from './queries.js';

/** Everything of an error that may reach a user: none of it may hold a secret. */
function visibleText(err: WharfError): string {
  return [err.message, err.hint ?? '', JSON.stringify(err.details), err.stack ?? ''].join('\n');
}

function asWharfError(err: unknown): WharfError {
  expect(err, `expected a WharfError, got: ${String(err)}`).toBeInstanceOf(WharfError);
  return err as WharfError;
}

/** Opens a connector with `open` and runs one query on it, closing it either way. */
async function openAndQuery(open: () => Promise<Connector>, query: QuerySpec): Promise<void> {
  const connector = await open();
  try {
    await connector.describe(query);
  } finally {
    await connector.close();
  }
}

/** Registers the error-mapping tests; `faults` adds the transient-error test. */
export function errorTests(harness: () => ConformanceHarness, faults: boolean): void {
  describe('errors', () => {
    let goodQuery: QuerySpec;
    let badQuery: QuerySpec;

    beforeAll(async () => {
      const table = await harness().createTable('wharf_values', VALUE_COLUMNS, VALUE_ROWS);
      goodQuery = querySpec(`SELECT id FROM ${table}`);
      badQuery = querySpec(`SELECT wharf_no_such_column FROM ${table}`);
    });

    it('rejected credentials are an auth error naming the source, never the secret', async () => {
      const { open, secret } = harness().badCredentials();
      const err = asWharfError(await thrownBy(() => openAndQuery(open, goodQuery)));
      expect(err.errorClass).toBe('auth');
      expect(err.transient).toBe(false);
      expect(err.message).toContain(harness().connector.sourceName);
      expect(secret.length).toBeGreaterThan(0);
      expect(visibleText(err)).not.toContain(secret);
    });

    it('an unreachable host is a connection error naming the source', async () => {
      const err = asWharfError(await thrownBy(() => openAndQuery(() => harness().unreachable(), goodQuery)));
      expect(err.errorClass).toBe('connection');
      expect(err.message).toContain(harness().connector.sourceName);
    });

    it("a SQL error carries the warehouse's message, the mapping and the SQL file", async () => {
      const { connector } = harness();
      const failures = [
        await thrownBy(() => connector.describe(badQuery)),
        await thrownBy(() => connector.sample(badQuery, 1)),
        await thrownBy(() => collect(connector, badQuery, filterFor('id', 'integer', '2024-03-01'), 10)),
      ];
      for (const failure of failures) {
        const err = asWharfError(failure);
        expect(err.errorClass).toBe('query');
        expect(err.transient, 'a SQL error is terminal').toBe(false);
        expect(err.message).toContain(CONFORMANCE_MAPPING);
        expect(err.message).toContain(CONFORMANCE_SQL_FILE);
        expect(err.message).toMatch(/wharf_no_such_column/i);
        // Where to fix it: the SQL file, and the file's line where the warehouse names one
        // (sqlFileHint words it for a plugin's own errors).
        expect(err.hint, 'a SQL error says where to fix it').toContain(CONFORMANCE_SQL_FILE);
      }
    });

    it.skipIf(!faults)('transient failures are marked transient and the connector recovers', async () => {
      const { connector, faults: injector } = harness();
      injector!.failTransiently();
      try {
        const err = asWharfError(await thrownBy(() => connector.describe(goodQuery)));
        expect(err.transient).toBe(true);
        expect(err.message).toContain(connector.sourceName);
      } finally {
        injector!.clear();
      }
      expect((await connector.describe(goodQuery)).map((column) => column.name.toLowerCase())).toEqual(['id']);
    });
  });
}
