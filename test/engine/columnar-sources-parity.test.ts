/**
 * The columnar metrics path against the row path for the sources whose bulk export DuckDB
 * writes (a DuckDB file, and S3 parquet files read by DuckDB): the messy metrics day loaded
 * both ways into two stores (DuckDB or PostgreSQL) leaves identical metrics, rejects (row, column, rule,
 * reason), ledger counts, fingerprints and reject examples. The mappings compare fingerprints
 * on rechecks, so the day's fingerprint travels through the export too. Into the DuckDB store
 * the days travel as parquet files of typed columns, into the PostgreSQL store as text. DECIMAL
 * values travel as their exact text, which both paths read as the nearest double.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LoadedMapping } from '../../framework/config/project.js';
import type { SourceConfig } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import { DuckDBMetricsCsvLoad } from '../../framework/store/duckdb/metric-csv-load.js';
import type { DayResult, EngineContext } from '../../framework/engine/types.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
} from '../support/engine-fixture.js';
import { comparable, contents, DAY, mappings, statements } from '../support/messy-metrics-day.js';
import { parquetS3Sources, type ParquetTables } from '../support/s3-parquet-sources.js';
import { startS3Server, type S3TestServer } from '../support/s3-server.js';

const BUCKET = 'parity';
/** The query of each mapping (text_in, typed_in, ratio_in, number_units_in), by the table it reads. */
const TABLES = ['messy_text', 'messy_typed', 'messy_text', 'messy_typed'];

/**
 * typed_in with its value and numerator as DECIMALs, of DuckDB's default width and a wide one,
 * from `table`, and a value DuckDB's own conversion to a double rounds twice (to ...590, not ...600).
 */
const decimalIn = { ...mappings[1], name: 'decimal_in', sql: './d.sql' };
const decimalSql = (table: string) =>
  `SELECT seq, unit_id, id_type, ds, metric, TRY_CAST(value AS DECIMAL(18, 6)) AS value,
     TRY_CAST(num AS DECIMAL(38, 10)) AS num, den FROM ${table}
   UNION ALL SELECT 1000, 'wide', 'user_id', ds, 'wide', 42211417170740596.7132983296, NULL, NULL FROM ${table}
     WHERE seq = 0 ORDER BY seq`;

/** A mapping whose rechecks compare content fingerprints. */
const fingerprinted = (l: LoadedMapping): LoadedMapping => ({
  ...l,
  recheck: { ...l.recheck, reloadOnFingerprintChange: true },
});

const CASES = [
  ['duckdb', 'duckdb'],
  ['s3', 'duckdb'],
  ['duckdb', 'postgres'],
  ['s3', 'postgres'],
] as const;

describe.each(CASES)('columnar metrics path vs row path (%s source → %s store)', (kind, storeKind) => {
  const contexts: Record<'columnar' | 'rows', EngineContext> = {} as never;
  let server: S3TestServer | null = null;

  beforeAll(async () => {
    let sources: SourceConfig[];
    if (kind === 's3') {
      server = await startS3Server();
      const tables: ParquetTables['tables'] = [
        ['messy_text', 'metrics'],
        ['messy_typed', 'metrics'],
      ];
      sources = await parquetS3Sources(server, { bucket: BUCKET, day: DAY, statements: statements('duckdb'), tables });
    } else sources = [await seededSource('duckdb', statements('duckdb'))];
    const loaded = mappings.map((m, i) => {
      const mapping = kind === 's3' ? { ...m, source: TABLES[i] } : m;
      const sql = kind === 's3' ? 'SELECT * FROM source ORDER BY seq' : `SELECT * FROM ${TABLES[i]} ORDER BY seq`;
      return fingerprinted(loadedMapping(mapping, sql, 1));
    });
    const decimals = kind === 's3' ? { ...decimalIn, source: 'messy_typed' } : decimalIn;
    loaded.push(fingerprinted(loadedMapping(decimals, decimalSql(kind === 's3' ? 'source' : 'messy_typed'), 1)));
    for (const path of ['columnar', 'rows'] as const) {
      contexts[path] = {
        ...engineContext(makeProject(tempDir(), sources, loaded), await freshStore(storeKind)),
        columnar: path === 'columnar',
      };
    }
  });
  afterAll(async () => {
    for (const ctx of Object.values(contexts)) {
      await ctx.connectors.closeAll();
      await ctx.store.close();
    }
    await server?.stop();
  });

  it.each([...mappings.map((m) => m.name), decimalIn.name])(
    '%s: identical store contents, rejects, counts, fingerprints and examples',
    async (name) => {
      const results: Record<string, DayResult> = {};
      // Into the DuckDB store the source writes parquet files (ColumnarExport.parquetDays); the
      // PostgreSQL store's staging reads the text export.
      const parquet = vi.spyOn(DuckDBMetricsCsvLoad.prototype, 'appendParquet');
      for (const path of ['columnar', 'rows'] as const) {
        results[path] = await ingestDay(contexts[path], name, DAY);
        expect(results[path].path).toBe(path);
        // Loading twice leaves the same contents as loading once.
        await ingestDay(contexts[path], name, DAY);
      }
      expect(parquet.mock.calls.length > 0).toBe(storeKind === 'duckdb');
      parquet.mockRestore();
      expect(results.rows.rowsRejected).toBeGreaterThan(0);
      expect(results.rows.rowsLoaded).toBeGreaterThan(0);
      expect(comparable(results.columnar)).toEqual(comparable(results.rows));
      expect(Object.keys(results.columnar.rejectExamples)).toEqual(Object.keys(results.rows.rejectExamples));
      const [columnar, rows] = [await contents(contexts.columnar, name), await contents(contexts.rows, name)];
      expect(columnar.rejects.length).toBe(results.rows.rowsRejected);
      expect(columnar).toEqual(rows);
      // The ledger's fingerprint (index 5) is the connector's own, on both paths.
      expect(rows.ledger[0][5]).toBeTruthy();
    },
  );
});
