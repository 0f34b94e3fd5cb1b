/**
 * The warehouse inputs (framework/experiments/warehouse-inputs.ts) in each warehouse dialect,
 * checked as that warehouse reads them: the `events` and `metrics` relations built from
 * representative ingestions (a TIMESTAMP, ISO text and epoch seconds / milliseconds as the
 * timestamp; `user` as JSON text; `userID` / `customIDs` columns; JSON-typed and text
 * `event_metadata`; metrics dated by a DATE and by text) parse in the dialect and, translated
 * to DuckDB and run over the same raw tables, give the rows of the DuckDB dialect's inputs.
 * The DuckDB rows are themselves checked against a reference computed here in TypeScript from
 * the raw rows, as the ingestion documents them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsMapping, MetricsMapping, SourceConfig } from '../../framework/config/types.js';
import { connectorFor } from '../../framework/connectors/registry.js';
import { parseErrors, toDuckDB } from '../../framework/connectors/shared/testing/sql-translate.js';
import { DIALECTS } from '../../framework/experiments/dialect.js';
import { warehouseExecutor, type PipelineExecutor } from '../../framework/experiments/executor.js';
import {
  warehouseInputs,
  type InputMapping,
  type PipelineInputs,
} from '../../framework/experiments/warehouse-inputs.js';
import { openDuckDB } from '../../framework/util/duckdb.js';
import { zoneOrThrow } from '../../framework/util/time.js';

const WAREHOUSES = ['snowflake', 'bigquery', 'redshift', 'databricks'] as const;

/** The raw events: one row per event, with its timestamp in every shape the mappings read. */
const RAW_EVENTS = [
  {
    at: '2026-01-02T05:30:00.000Z', // PST: still 2026-01-01
    iso: '2026-01-02T07:30:00+02:00',
    epochS: 1767331800,
    epochMs: 1767331800000,
    event: 'add to\tcart',
    value: 1.5,
    props: '{"plan": "pro", "seats": "3"}',
    user: '{"userID": "u1", "customIDs": {"companyID": "c1", "deviceID": "d1"}}',
    uid: 'u1',
    company: 'c1',
    device: 'd1',
  },
  {
    at: '2026-01-02T08:00:00.250Z', // PST: 2026-01-02 00:00:00.250
    iso: '2026-01-02T08:00:00.250Z',
    epochS: 1767340800.25,
    epochMs: 1767340800250,
    event: 'purchase',
    value: 42,
    props: '{"note": "it\'s \\"quoted\\""}',
    user: '{"userID": "u\\"2"}',
    uid: 'u"2',
    company: 'back\\slash',
    device: null,
  },
  {
    at: '2026-01-03T23:59:59.000Z',
    iso: '2026-01-03 23:59:59',
    epochS: 1767484799,
    // A millisecond column holding seconds: below 1e11 a number is seconds, in any column.
    epochMs: 1767484799,
    event: 'page  view',
    value: -0.125,
    props: '{}',
    user: '{"customIDs": {"companyID": "c3"}}',
    uid: null,
    company: 'c3',
    device: 'd3',
  },
];

const RAW_METRICS = [
  {
    uid: 'u1',
    ds: '2026-01-01',
    dsText: '2026-01-01T00:00:00Z',
    idKind: 'user_id',
    metric: 'revenue',
    v: 10.5,
    n: 3,
    d: 4,
  },
  { uid: 'u"2', ds: '2026-01-02', dsText: '2026-01-02', idKind: 'companyID', metric: 'visits', v: 2, n: null, d: 1 },
];

const base = { source: 'wh', schedule: 'daily', startDate: '2026-01-01' } as const;
const events = (name: string, columns: EventsMapping['columns'], sqlText: string): InputMapping => ({
  config: { ...base, name, dataset: 'events', sql: `${name}.sql`, columns },
  sqlText,
});
const metrics = (name: string, columns: MetricsMapping['columns'], sqlText: string): InputMapping => ({
  config: { ...base, name, dataset: 'metrics', sql: `${name}.sql`, columns },
  sqlText,
});

const MAPPINGS: InputMapping[] = [
  events(
    'ev_ts',
    { timestamp: 'event_time', event_name: 'event', event_value: 'value', event_metadata: 'props', user: 'user_json' },
    'SELECT event_time, event, value, props, user_json FROM raw_events;',
  ),
  events(
    'ev_iso',
    {
      timestamp: 'iso',
      event_name: { constant: 'page view' },
      event_value: { constant: 7 },
      event_metadata: 'props_text',
      userID: 'uid',
      customIDs: { companyID: 'company', deviceID: 'device' },
    },
    'SELECT iso, props_text, uid, company, device FROM raw_events',
  ),
  events('ev_epoch_s', { timestamp: 'epoch_s', event_name: 'event', userID: 'uid' }, 'SELECT * FROM raw_events'),
  events(
    'ev_epoch_ms',
    { timestamp: 'epoch_ms', event_name: 'event', customIDs: { companyID: 'company' } },
    'SELECT * FROM raw_events',
  ),
  metrics(
    'm_date',
    {
      unit_id: 'uid',
      id_type: { constant: 'user_id' },
      date: 'ds',
      metric_name: 'metric',
      metric_value: 'v',
      numerator: 'n',
      denominator: 'd',
    },
    'SELECT * FROM raw_metrics',
  ),
  metrics(
    'm_text',
    { unit_id: 'uid', id_type: 'id_kind', date: 'ds_text', metric_name: { constant: 'revenue' }, metric_value: 'v' },
    'SELECT uid, id_kind, ds_text, v FROM raw_metrics',
  ),
];

const q = (v: string | number | null) =>
  v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;

/** The raw tables in a DuckDB file, typed as a warehouse might have them (a JSON column among them). */
async function createWarehouse(path: string): Promise<void> {
  const file = await openDuckDB(path);
  const run = async (sql: string) => void (await file.connection.run(sql));
  await run(`CREATE TABLE raw_events (event_time TIMESTAMP, iso VARCHAR, epoch_s DOUBLE, epoch_ms BIGINT, event VARCHAR,
    value DOUBLE, props JSON, props_text VARCHAR, user_json VARCHAR, uid VARCHAR, company VARCHAR, device VARCHAR)`);
  for (const e of RAW_EVENTS) {
    const at = `CAST(${q(e.at.replace('T', ' ').replace('Z', ''))} AS TIMESTAMP)`;
    const values = [at, q(e.iso), q(e.epochS), q(e.epochMs), q(e.event), q(e.value), q(e.props), q(e.props)];
    await run(
      `INSERT INTO raw_events VALUES (${[...values, q(e.user), q(e.uid), q(e.company), q(e.device)].join(', ')})`,
    );
  }
  await run(`CREATE TABLE raw_metrics (uid VARCHAR, ds DATE, ds_text VARCHAR, id_kind VARCHAR, metric VARCHAR,
    v DOUBLE, n DOUBLE, d DOUBLE)`);
  for (const m of RAW_METRICS) {
    const values = [q(m.uid), `DATE ${q(m.ds)}`, q(m.dsText), q(m.idKind), q(m.metric), q(m.v), q(m.n), q(m.d)];
    await run(`INSERT INTO raw_metrics VALUES (${values.join(', ')})`);
  }
  file.close();
}

/** An input row as compared: instants as microseconds, JSON parsed (NULL members left out), numbers as numbers. */
type Row = Record<string, string | number | null | Record<string, unknown>>;

/** Reads the rows of a relation translated to DuckDB, normalised for comparison (this wrapper is DuckDB SQL). */
async function readRows(exec: PipelineExecutor, duckSql: string, kind: 'events' | 'metrics'): Promise<Row[]> {
  const columns =
    kind === 'events'
      ? `ingestion, CAST(epoch_us(CAST("timestamp" AS TIMESTAMP)) AS DOUBLE) AS ts_us, CAST(day AS VARCHAR) AS day,
         event_name, event_value, CAST(event_metadata AS VARCHAR) AS event_metadata, user_id,
         CAST(custom_ids AS VARCHAR) AS custom_ids`
      : `ingestion, unit_id, id_type, CAST("date" AS VARCHAR) AS "date", metric_name, metric_value, numerator, denominator`;
  const rows = await exec.query<Record<string, unknown>>(`SELECT ${columns} FROM (${duckSql}) AS i`);
  return rows.map(normalise).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function withoutNulls(json: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(json as Record<string, unknown>).filter(([, v]) => v !== null));
}

function normalise(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === null || v === undefined) out[k] = null;
    else if (k === 'custom_ids' || k === 'event_metadata') out[k] = withoutNulls(JSON.parse(String(v)));
    // Event values are text; each engine prints a double its own way ('42' or '42.0'), the pipeline reads the number.
    else if (k === 'event_value') out[k] = Number(v);
    else out[k] = typeof v === 'bigint' ? Number(v) : (v as string | number);
  }
  return out;
}

/** The events rows as the ingestions define them, computed from the raw rows (PST: UTC-8). */
function expectedEvents(): Row[] {
  const day = (ms: number) => new Date(ms - 8 * 3_600_000).toISOString().slice(0, 10);
  const epoch = (n: number) => (Math.abs(n) < 1e11 ? n * 1000 : n);
  const name = (s: string) => s.replace(/\s/g, '_');
  const rows: Row[] = [];
  for (const e of RAW_EVENTS) {
    const user = JSON.parse(e.user) as { userID?: string; customIDs?: Record<string, string> };
    const row = (ingestion: string, ms: number, fields: Partial<Row>): Row => ({
      ingestion,
      ts_us: ms * 1000,
      day: day(ms),
      event_name: name(e.event),
      event_value: null,
      event_metadata: null,
      user_id: e.uid,
      custom_ids: null,
      ...fields,
    });
    const props = JSON.parse(e.props) as Record<string, unknown>;
    const companyAndDevice = withoutNulls({ companyID: e.company, deviceID: e.device });
    rows.push(
      row('ev_ts', Date.parse(e.at), {
        event_value: e.value,
        event_metadata: props,
        user_id: user.userID ?? null,
        custom_ids: user.customIDs ?? null,
      }),
      row('ev_iso', Date.parse(e.iso.includes('T') ? e.iso : `${e.iso.replace(' ', 'T')}Z`), {
        event_name: 'page_view',
        event_value: 7,
        event_metadata: props,
        custom_ids: companyAndDevice,
      }),
      row('ev_epoch_s', epoch(e.epochS), {}),
      row('ev_epoch_ms', epoch(e.epochMs), { user_id: null, custom_ids: { companyID: e.company } }),
    );
  }
  return rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

let exec: PipelineExecutor;
const inputs: Partial<Record<keyof typeof DIALECTS, PipelineInputs>> = {};
const build = (dialect: keyof typeof DIALECTS) =>
  warehouseInputs(
    { dialect: DIALECTS[dialect], zone: zoneOrThrow('PST'), describe: (sql) => exec.describe!(sql) },
    MAPPINGS,
  );

beforeAll(async () => {
  const config: SourceConfig = {
    kind: 'duckdb',
    name: 'wh',
    path: join(mkdtempSync(join(tmpdir(), 'wharf-in-')), 'w.duckdb'),
  };
  await createWarehouse(config.path);
  const connector = await connectorFor('duckdb');
  const context = { projectRoot: '/', resolveSecret: () => '' };
  exec = warehouseExecutor((await connector.openSqlSession!(config as never, context, { schema: 'exp' }))!);
  for (const dialect of ['duckdb', ...WAREHOUSES] as const) inputs[dialect] = await build(dialect);
});
afterAll(async () => exec?.close());

describe('the DuckDB dialect inputs', () => {
  it('hold the rows the ingestions define', async () => {
    expect(await readRows(exec, `SELECT * FROM ${inputs.duckdb!.events} AS e`, 'events')).toEqual(expectedEvents());
    const got = await readRows(exec, `SELECT * FROM ${inputs.duckdb!.metrics} AS m`, 'metrics');
    expect(got).toEqual(
      expect.arrayContaining([
        {
          ingestion: 'm_date',
          unit_id: 'u1',
          id_type: 'user_id',
          date: '2026-01-01',
          metric_name: 'revenue',
          metric_value: 10.5,
          numerator: 3,
          denominator: 4,
        },
        {
          ingestion: 'm_text',
          unit_id: 'u"2',
          id_type: 'companyID',
          date: '2026-01-02',
          metric_name: 'revenue',
          metric_value: 2,
          numerator: null,
          denominator: null,
        },
      ]),
    );
    expect(got).toHaveLength(4);
  });
});

/** Constructs the engine does not read as the inputs mean them (from its SQL reference). */
const LACKS: Record<(typeof WAREHOUSES)[number], Array<[RegExp, string]>> = {
  snowflake: [[/\bTIMESTAMPTZ\b|::/i, 'PostgreSQL casts']],
  bigquery: [
    [/"/, 'double quotes (a string in GoogleSQL)'],
    [/\b(VARCHAR|TIMESTAMPTZ|to_timestamp|json_object\s*\(\s*\))\b|::/i, 'types and functions GoogleSQL lacks'],
  ],
  redshift: [
    [/\bVARCHAR\b(?!\s*\()/i, 'VARCHAR without a length (256 bytes)'],
    [/\b(to_timestamp|json_build_object|to_json)\s*\(/i, 'functions Redshift lacks'],
  ],
  databricks: [
    [/"/, 'double quotes (a string in Spark SQL)'],
    [/\bVARCHAR\b(?!\s*\()/i, 'VARCHAR without a length'],
  ],
};
const withoutLiterals = (sql: string) => sql.replace(/'(?:[^'\\]|\\.|'')*'/g, "''");

describe.each(WAREHOUSES)('the inputs in %s', (dialect) => {
  const statements = () => ({
    events: `SELECT * FROM ${inputs[dialect]!.events} AS e`,
    metrics: `SELECT * FROM ${inputs[dialect]!.metrics} AS m`,
  });

  it('parse in the dialect and use none of the constructs it lacks', async () => {
    for (const sql of Object.values(statements())) {
      expect(await parseErrors(sql, dialect), sql).toEqual([]);
      for (const [pattern, what] of LACKS[dialect])
        expect(pattern.test(withoutLiterals(sql)), `${what} in:\n${sql}`).toBe(false);
    }
  });

  it.each(['events', 'metrics'] as const)('give the DuckDB rows of %s, numbers to 1e-9', async (kind) => {
    const got = await readRows(exec, await toDuckDB(statements()[kind], dialect), kind);
    const want = await readRows(exec, `SELECT * FROM ${inputs.duckdb![kind]} AS i`, kind);
    expect(got.length).toBe(want.length);
    got.forEach((row, i) => {
      for (const [column, v] of Object.entries(want[i])) {
        if (typeof v === 'number' && typeof row[column] === 'number')
          expect(Math.abs((row[column] as number) - v), `${kind} ${column}`).toBeLessThanOrEqual(
            1e-9 * Math.max(1, Math.abs(v)),
          );
        else expect(row[column], `${kind} ${column} of ${JSON.stringify(want[i])}`).toEqual(v);
      }
    });
  });
});

describe('no ingestions', () => {
  it.each(WAREHOUSES)('%s: empty, typed relations that parse and run', async (dialect) => {
    const empty = await warehouseInputs(
      { dialect: DIALECTS[dialect], zone: zoneOrThrow('UTC'), describe: async () => [] },
      [],
    );
    for (const [kind, relation] of Object.entries(empty) as Array<['events' | 'metrics', string]>) {
      const sql = `SELECT * FROM ${relation} AS e`;
      expect(await parseErrors(sql, dialect), sql).toEqual([]);
      expect(await readRows(exec, await toDuckDB(sql, dialect), kind)).toEqual([]);
    }
  });
});
