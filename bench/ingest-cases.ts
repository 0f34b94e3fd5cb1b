/**
 * The datasets bench/ingest.ts measures: the bench table, the select list that generates its
 * rows (the same SQL in PostgreSQL and DuckDB, so every source holds the same rows), the
 * query `psql \copy` and Wharf both read, the mapping's columns, and how one day's rows are
 * picked out for its parquet file. A new dataset is one more entry.
 */
import type { MappingConfig } from '../framework/config/types.js';
import { addDays } from '../framework/util/time.js';

export type DatasetName =
  'metrics' | 'metrics-decimal' | 'events' | 'events-ids' | 'events-prices' | 'events-nested' | 'events-jsonb';

export interface GeneratedSpec {
  rows: number;
  days: number;
  from: string;
  /**
   * Events only: how many events each user has in a window of `eventsPerUser` × 1,024 rows
   * (interleaved with the window's other users), the metadata from 300 shapes. Unset: every
   * row of an export file has a user of its own and the metadata one of 5,003 pages.
   */
  eventsPerUser?: number;
  /**
   * Events only: the share of rows (0 to 0.5) that repeat the timeuuid of the row just before
   * them, as a sender retrying an event would (see repeatOf). Unset or 0: every timeuuid distinct.
   */
  repeatedEvents?: number;
}

export interface BenchDataset {
  name: DatasetName;
  /** The mapping's dataset. */
  kind: MappingConfig['dataset'];
  table: string;
  /** The query's column list, in the order `\copy` and Wharf read it. */
  columns: string;
  /** The column indexed in PostgreSQL (the one a day's query filters on). */
  indexColumn: string;
  /** The select list making row `i` (1-based) of `rows` over `days` days from `from`. */
  generated(spec: GeneratedSpec): string;
  /** The same rows in DuckDB's own types, for the DuckDB file and the parquet files; unset: `generated`. */
  fileGenerated?(spec: GeneratedSpec): string;
  /** The same rows in PostgreSQL's own types, for its table; unset: `generated`. */
  postgresGenerated?(spec: GeneratedSpec): string;
  /** The same rows as the BigQuery fake holds them (STRUCTs are RECORDs); unset: `generated`. */
  bigqueryGenerated?(spec: GeneratedSpec): string;
  /** SQL condition selecting the rows of `day` (for its parquet file). */
  dayFilter(day: string): string;
  /** The COPY-in limit's table columns. */
  copyInColumns: string;
  mappingColumns: MappingConfig['columns'];
}

const metrics: BenchDataset = {
  name: 'metrics',
  kind: 'metrics',
  table: 'bench_metrics',
  columns: 'unit_id, id_type, ds, metric, value',
  indexColumn: 'ds',
  generated: ({ days, from }) => `'u' || (i % 1000003) AS unit_id,
    CASE WHEN i % 7 = 0 THEN 'stable_id' ELSE 'user_id' END AS id_type,
    DATE '${from}' + CAST(i % ${days} AS INTEGER) AS ds,
    'metric_' || (i % 20) AS metric,
    CAST(i % 10007 AS DOUBLE PRECISION) / 7.0 AS value`,
  dayFilter: (day) => `ds = DATE '${day}'`,
  copyInColumns: 'unit_id text, id_type text, ds date, metric text, value double precision',
  mappingColumns: { unit_id: 'unit_id', id_type: 'id_type', date: 'ds', metric_name: 'metric', metric_value: 'value' },
};

/** The same metrics with the value an exact decimal of two places (PostgreSQL NUMERIC, DuckDB and parquet DECIMAL). */
const metricsDecimal: BenchDataset = {
  ...metrics,
  name: 'metrics-decimal',
  table: 'bench_metrics_decimal',
  generated: (spec) =>
    metrics
      .generated(spec)
      .replace(
        'CAST(i % 10007 AS DOUBLE PRECISION) / 7.0 AS value',
        'CAST(CAST(i % 1000003 AS DOUBLE PRECISION) / 100 AS NUMERIC(12, 2)) AS value',
      ),
  copyInColumns: metrics.copyInColumns.replace('value double precision', 'value numeric(12, 2)'),
};

/** Seconds since the epoch of `day`'s start in the project's zone (PST: 08:00 UTC). */
const dayStart = (day: string) => Date.parse(`${day}T08:00:00Z`) / 1000;

/**
 * Realistic events, about 200 bytes a row as `\copy` writes them, in time order over the
 * days: a TIMESTAMPTZ with microseconds, one of 50 names, a value on two rows of three, a
 * metadata object and a user JSON (userID and two customIDs) as text, and a timeuuid.
 * By default the user of row `i` is `i % 1000003` (no user repeats within an export file:
 * the worst case for checks per distinct text) and the metadata one of 5,003 pages. With
 * `eventsPerUser` N, users come in windows of N × 1,024 consecutive rows, each of a window's
 * 1,024 users on every 1,024th row of it (N events, interleaved with the others' as in a
 * real stream), and the metadata is one of 300 pages, each with its own referrer.
 * `events-ids` holds the same events with the user's three ids in columns of their own (the
 * mapping builds the user from `userID` and `customIDs` columns); `events-prices` the same
 * events with a floating-point event_value: none on a third of the rows, a whole quantity on a
 * third, a price in cents divided by 100 on the rest.
 */
function eventUsers(eventsPerUser: number | undefined): Record<'user' | 'company' | 'page' | 'referrer', string> {
  if (!eventsPerUser || eventsPerUser <= 1) {
    return { user: '(i % 1000003)', company: 'i % 997', page: 'i % 5003', referrer: "'search'" };
  }
  // 7919 is odd, so i * 7919 % 1024 visits each of a window's 1,024 users N times (i % 1024 first: no overflow).
  const user = `(CAST(floor((i - 1) / ${eventsPerUser * 1024}) AS BIGINT) * 1024 + (i % 1024) * 7919 % 1024)`;
  const referrer = `CASE (i % 300) % 4 WHEN 0 THEN 'search' WHEN 1 THEN 'direct' WHEN 2 THEN 'email' ELSE 'social' END`;
  return { user, company: `${user} % 997`, page: 'i % 300', referrer };
}

/**
 * The row whose timeuuid row `i` carries: row `i` repeats row `i - 1`'s when floor(i × share)
 * steps up at `i`, which spreads the repeats evenly, a share of the rows (at 0.5 every other
 * row: each event sent twice, one after the other). A share of at most 0.5 never repeats a
 * repeat. A repeat on the first row of a day repeats the previous day's last row, so it is
 * not a duplicate within its day; the bench counts the duplicates from the rows themselves
 * (bench/ingest-data.ts, expectedDuplicates).
 */
function repeatOf(share: number | undefined): string {
  if (!share) return 'i';
  // The share as a decimal literal: exact NUMERIC (PostgreSQL) or DECIMAL (DuckDB) arithmetic, the same in both.
  const s = share.toFixed(6);
  return `CASE WHEN floor(i * ${s}) > floor((i - 1) * ${s}) THEN i - 1 ELSE i END`;
}

const TEXT_VALUE = `CASE WHEN i % 3 = 0 THEN NULL ELSE 'value_' || (i % 1000) END`;

/** The metadata as JSON text, from the page's number and the referrer's expression. */
const textMetadata = (page: string, referrer: string) =>
  `'{"page":"/products/' || (${page}) || '","referrer":"' || ${referrer} || '","plan":"pro"}'`;

/**
 * The select list of the events (`user`: the user's select, from the user's and company's
 * numbers; `value`: the event value's expression; `metadata`: the metadata's).
 */
function eventsSelect(
  spec: GeneratedSpec,
  user: (user: string, company: string) => string,
  value = TEXT_VALUE,
  metadata = textMetadata,
): string {
  const { rows, days, from, eventsPerUser, repeatedEvents } = spec;
  const users = eventUsers(eventsPerUser);
  return `to_timestamp(CAST(${dayStart(from)} + (i - 1) * ${(days * 86_400) / rows}
      AS DOUBLE PRECISION)) AS ts,
    'event_' || (i % 50) AS event_name,
    ${value} AS event_value,
    ${metadata(users.page, users.referrer)} AS metadata,
    ${user(users.user, users.company)},
    CAST(CAST(md5(CAST(${repeatOf(repeatedEvents)} AS TEXT)) AS UUID) AS TEXT) AS timeuuid`;
}
const stableId = (user: string) => `substr(md5(CAST(${user} AS TEXT)), 1, 16)`;
/** The user as one JSON text: userID and two customIDs. */
const jsonUserText = (user: string, company: string) => `'{"userID":"user_' || ${user} || '","customIDs":{"stableID":"'
      || ${stableId(user)} || '","companyID":"c' || (${company}) || '"}}'`;
const jsonUser = (user: string, company: string) => `${jsonUserText(user, company)} AS "user"`;

const events: BenchDataset = {
  name: 'events',
  kind: 'events',
  table: 'bench_events',
  columns: 'ts, event_name, event_value, metadata, "user", timeuuid',
  indexColumn: 'ts',
  generated: (spec) => eventsSelect(spec, jsonUser),
  dayFilter: (day) => `ts >= to_timestamp(${dayStart(day)}) AND ts < to_timestamp(${dayStart(addDays(day, 1))})`,
  copyInColumns: 'ts timestamptz, event_name text, event_value text, metadata text, "user" text, timeuuid text',
  mappingColumns: {
    timestamp: 'ts',
    event_name: 'event_name',
    event_value: 'event_value',
    event_metadata: 'metadata',
    user: 'user',
    timeuuid: 'timeuuid',
  },
};

const eventsIds: BenchDataset = {
  ...events,
  name: 'events-ids',
  table: 'bench_events_ids',
  columns: 'ts, event_name, event_value, metadata, user_id, stable_id, company_id, timeuuid',
  generated: (spec) =>
    eventsSelect(
      spec,
      (user, company) =>
        `'user_' || ${user} AS user_id, ${stableId(user)} AS stable_id, 'c' || (${company}) AS company_id`,
    ),
  copyInColumns:
    'ts timestamptz, event_name text, event_value text, metadata text, user_id text, stable_id text, company_id text, timeuuid text',
  mappingColumns: {
    timestamp: 'ts',
    event_name: 'event_name',
    event_value: 'event_value',
    event_metadata: 'metadata',
    userID: 'user_id',
    customIDs: { stableID: 'stable_id', companyID: 'company_id' },
    timeuuid: 'timeuuid',
  },
};

const eventsPrices: BenchDataset = {
  ...events,
  name: 'events-prices',
  table: 'bench_events_prices',
  generated: (spec) =>
    eventsSelect(
      spec,
      jsonUser,
      'CASE WHEN i % 3 = 0 THEN NULL WHEN i % 3 = 1 THEN CAST(i % 1009 AS DOUBLE PRECISION) ' +
        'ELSE CAST(i % 100003 AS DOUBLE PRECISION) / 100 END',
    ),
  copyInColumns: events.copyInColumns.replace('event_value text', 'event_value double precision'),
};

/**
 * The same events as Spark and most lakes write them to parquet: in the DuckDB file and the
 * parquet files the metadata is a MAP(VARCHAR, VARCHAR) and the user a STRUCT of userID and a
 * MAP of customIDs (the same JSON once written out). BigQuery, which has no MAP, holds RECORDs
 * (the user's customIDs and the metadata a RECORD of their keys); PostgreSQL and the Snowflake
 * fake hold the text of `events`.
 */
const eventsNested: BenchDataset = {
  ...events,
  name: 'events-nested',
  table: 'bench_events_nested',
  fileGenerated: (spec) =>
    eventsSelect(
      spec,
      (user, company) =>
        `{'userID': 'user_' || ${user}, 'customIDs': MAP {'stableID': ${stableId(user)}, 'companyID': 'c' || (${company})}} AS "user"`,
      TEXT_VALUE,
      (page, referrer) => `MAP {'page': '/products/' || (${page}), 'referrer': ${referrer}, 'plan': 'pro'}`,
    ),
  bigqueryGenerated: (spec) =>
    eventsSelect(
      spec,
      (user, company) =>
        `{'userID': 'user_' || ${user}, 'customIDs': {'stableID': ${stableId(user)}, 'companyID': 'c' || (${company})}} AS "user"`,
      TEXT_VALUE,
      (page, referrer) => `{'page': '/products/' || (${page}), 'referrer': ${referrer}, 'plan': 'pro'}`,
    ),
};

/**
 * The same events with the user and the metadata JSON-typed: JSONB in PostgreSQL (which writes
 * them with a space after each `:` and `,`), JSON in DuckDB, parquet and the warehouse fakes.
 */
const asJson = (type: 'JSON' | 'JSONB') => (spec: GeneratedSpec) =>
  eventsSelect(
    spec,
    (user, company) => `CAST(${jsonUserText(user, company)} AS ${type}) AS "user"`,
    TEXT_VALUE,
    (page, referrer) => `CAST(${textMetadata(page, referrer)} AS ${type})`,
  );
const eventsJsonb: BenchDataset = {
  ...events,
  name: 'events-jsonb',
  table: 'bench_events_jsonb',
  generated: asJson('JSON'),
  postgresGenerated: asJson('JSONB'),
  copyInColumns: events.copyInColumns.replace('metadata text, "user" text', 'metadata jsonb, "user" jsonb'),
};

export const DATASETS: Record<DatasetName, BenchDataset> = {
  metrics,
  'metrics-decimal': metricsDecimal,
  events,
  'events-ids': eventsIds,
  'events-prices': eventsPrices,
  'events-nested': eventsNested,
  'events-jsonb': eventsJsonb,
};
