/**
 * An experiment's inputs in its warehouse: the `events` and `metrics` relations the pipeline's
 * SQL reads, built from the ingestions' own SQL over the warehouse's tables instead of the
 * store's loaded rows. Each mapping's query becomes a subquery whose result columns are
 * renamed, cast and derived (UTC timestamp, the project zone's day, user ids) as the
 * ingestion would have loaded them. Rows are read as they are: the ingestion's row checks
 * (rejects) and its de-duplication by timeuuid do not apply in the warehouse.
 */
import type { ColumnValue, EventsMapping, MappingConfig, MetricsMapping } from '../config/types.js';
import type { ColumnInfo } from '../connectors/types.js';
import { WharfError } from '../diagnostics/errors.js';
import type { Zone } from '../util/time.js';
import { ident, literal, type ExperimentDialect } from './dialect.js';

/** A mapping with the text of its SQL file. */
export interface InputMapping {
  config: MappingConfig;
  sqlText: string;
}

/** The pipeline's input relations, as SQL usable after FROM. */
export interface PipelineInputs {
  events: string;
  metrics: string;
}

/** The store's tables: the default inputs. */
export const STORE_INPUTS: PipelineInputs = { events: 'events', metrics: 'metrics' };

/** The JSON spellings the input views need beyond the experiment dialect, per engine. */
interface JsonSpelling {
  /** A JSON-typed (or struct) column as JSON text. */
  asText(column: string): string;
  /** The JSON object under `key` of a JSON text expression, as JSON text. */
  objectText(json: string, key: string): string;
  /** A JSON object text of string values. */
  build(pairs: [string, string][]): string;
}

const JSON_SPELLINGS: Record<string, JsonSpelling> = {
  duckdb: {
    asText: (c) => `CAST(to_json(${c}) AS VARCHAR)`,
    objectText: (j, k) => `CAST(json_extract(CAST(${j} AS JSON), ${literal(`$."${k}"`)}) AS VARCHAR)`,
    build: (pairs) => `CAST(json_object(${pairs.map(([k, v]) => `${literal(k)}, ${v}`).join(', ')}) AS VARCHAR)`,
  },
  postgres: {
    asText: (c) => `CAST(${c} AS TEXT)`,
    objectText: (j, k) => `(CAST(${j} AS JSON) -> ${literal(k)})::text`,
    build: (pairs) => `CAST(json_build_object(${pairs.map(([k, v]) => `${literal(k)}, ${v}`).join(', ')}) AS TEXT)`,
  },
};

/** What building the inputs needs: the engine, the project's zone, and a way to read a query's column types. */
export interface InputContext {
  kind: string;
  dialect: ExperimentDialect;
  zone: Zone;
  describe(sql: string): Promise<ColumnInfo[]>;
}

const unterminated = (sql: string) => sql.trim().replace(/;\s*$/, '');

/** The inputs of the experiment's ingestions (`mappings`, each an events or metrics ingestion) in the warehouse. */
export async function warehouseInputs(ctx: InputContext, mappings: InputMapping[]): Promise<PipelineInputs> {
  const json = JSON_SPELLINGS[ctx.kind];
  if (!json) {
    throw new WharfError(`The experiment pipeline cannot read ingestions in a ${ctx.kind} warehouse yet.`, {
      code: 'experiment.warehouse-unsupported',
      errorClass: 'config',
      hint: `Supported: ${Object.keys(JSON_SPELLINGS).join(', ')}.`,
    });
  }
  if (ctx.zone.kind !== 'fixed') {
    throw new WharfError(
      `The project's time zone '${ctx.zone.name}' follows daylight saving; a warehouse experiment needs a fixed zone (PST, UTC, UTC-5, …) for its days yet.`,
      {
        code: 'experiment.warehouse-zone',
        errorClass: 'config',
        hint: 'Set timeZone to a fixed offset, or run the experiment in the store.',
      },
    );
  }
  const events: string[] = [];
  const metrics: string[] = [];
  for (const m of mappings) {
    const columns = await ctx.describe(unterminated(m.sqlText));
    if (m.config.dataset === 'events')
      events.push(eventsSelect(ctx, json, { config: m.config, sql: m.sqlText, columns }));
    else metrics.push(metricsSelect(ctx, m.config as MetricsMapping, m.sqlText));
  }
  return { events: relation(events, EMPTY_EVENTS()), metrics: relation(metrics, EMPTY_METRICS(ctx.dialect)) };
}

const relation = (selects: string[], empty: string) => `(${selects.length ? selects.join('\nUNION ALL\n') : empty})`;
const EMPTY_EVENTS = () =>
  `SELECT CAST(NULL AS VARCHAR) AS ingestion, CAST(NULL AS TIMESTAMP) AS "timestamp", CAST(NULL AS DATE) AS day, CAST(NULL AS VARCHAR) AS event_name, CAST(NULL AS VARCHAR) AS event_value, CAST(NULL AS VARCHAR) AS event_metadata, CAST(NULL AS VARCHAR) AS user_id, CAST(NULL AS VARCHAR) AS custom_ids WHERE 1 = 0`;
const EMPTY_METRICS = (d: ExperimentDialect) =>
  `SELECT CAST(NULL AS VARCHAR) AS ingestion, CAST(NULL AS VARCHAR) AS unit_id, CAST(NULL AS VARCHAR) AS id_type, CAST(NULL AS DATE) AS "date", CAST(NULL AS VARCHAR) AS metric_name, CAST(NULL AS ${d.types.double}) AS metric_value, CAST(NULL AS ${d.types.double}) AS numerator, CAST(NULL AS ${d.types.double}) AS denominator WHERE 1 = 0`;

function value(column: ColumnValue | undefined): string {
  if (column === undefined) return 'NULL';
  if (typeof column === 'string') return `CAST(src.${ident(column)} AS VARCHAR)`;
  const c = column.constant;
  return c === null ? 'CAST(NULL AS VARCHAR)' : literal(String(c));
}

function typeOf(columns: ColumnInfo[], name: string, mapping: string): ColumnInfo['type'] {
  const found = columns.find((c) => c.name === name);
  if (!found) {
    throw new WharfError(
      `The ingestion '${mapping}' maps the column '${name}', which its SQL does not return in the warehouse.`,
      {
        code: 'experiment.warehouse-column',
        errorClass: 'config',
        hint: `Result columns: ${columns.map((c) => c.name).join(', ')}.`,
      },
    );
  }
  return found.type;
}

/** The mapping's timestamp as a UTC TIMESTAMP (sessions run in UTC), read as the ingestion reads it. */
function timestampOf(column: string, type: ColumnInfo['type']): string {
  const c = `src.${ident(column)}`;
  if (type === 'integer' || type === 'double')
    return `CAST(CASE WHEN ABS(${c}) < 1e11 THEN to_timestamp(${c}) ELSE to_timestamp(${c} / 1000.0) END AS TIMESTAMP)`;
  if (type === 'string') return `CAST(CAST(${c} AS TIMESTAMPTZ) AS TIMESTAMP)`;
  return `CAST(${c} AS TIMESTAMP)`;
}

/** An events ingestion as its input view reads it: its config, its SQL and the SQL's columns. */
interface DescribedEvents {
  config: EventsMapping;
  sql: string;
  columns: ColumnInfo[];
}

function eventsSelect(ctx: InputContext, json: JsonSpelling, { config: m, sql, columns }: DescribedEvents): string {
  const cols = m.columns;
  const ts = timestampOf(cols.timestamp, typeOf(columns, cols.timestamp, m.name));
  const offset = ctx.zone.kind === 'fixed' ? ctx.zone.offsetMinutes : 0;
  const metadata = cols.event_metadata
    ? typeOf(columns, cols.event_metadata, m.name) === 'json'
      ? json.asText(`src.${ident(cols.event_metadata)}`)
      : `CAST(src.${ident(cols.event_metadata)} AS VARCHAR)`
    : 'CAST(NULL AS VARCHAR)';
  let userId: string;
  let customIds: string;
  if (cols.user) {
    const user =
      typeOf(columns, cols.user, m.name) === 'json'
        ? json.asText(`src.${ident(cols.user)}`)
        : `CAST(src.${ident(cols.user)} AS VARCHAR)`;
    userId = ctx.dialect.jsonText(user, 'userID');
    customIds = json.objectText(user, 'customIDs');
  } else {
    userId = cols.userID ? `CAST(src.${ident(cols.userID)} AS VARCHAR)` : 'CAST(NULL AS VARCHAR)';
    const pairs = Object.entries(cols.customIDs ?? {}).map(([k, c]): [string, string] => [
      k,
      `CAST(src.${ident(c)} AS VARCHAR)`,
    ]);
    customIds = pairs.length ? json.build(pairs) : 'CAST(NULL AS VARCHAR)';
  }
  const name =
    typeof cols.event_name === 'string'
      ? `regexp_replace(${value(cols.event_name)}, '\\s', '_', 'g')`
      : value(cols.event_name);
  return `SELECT ${literal(m.name)} AS ingestion, ev."timestamp", CAST(ev."timestamp" + INTERVAL '${offset} minutes' AS DATE) AS day, ev.event_name, ev.event_value, ev.event_metadata, ev.user_id, ev.custom_ids
FROM (SELECT ${ts} AS "timestamp", ${name} AS event_name, ${value(cols.event_value)} AS event_value, ${metadata} AS event_metadata, ${userId} AS user_id, ${customIds} AS custom_ids
  FROM (${unterminated(sql)}) AS src) AS ev`;
}

function metricsSelect(ctx: InputContext, m: MetricsMapping, sql: string): string {
  const cols = m.columns;
  const num = (column: string | undefined) =>
    column ? `CAST(src.${ident(column)} AS ${ctx.dialect.types.double})` : `CAST(NULL AS ${ctx.dialect.types.double})`;
  return `SELECT ${literal(m.name)} AS ingestion, CAST(src.${ident(cols.unit_id)} AS VARCHAR) AS unit_id, ${value(cols.id_type)} AS id_type,
  CAST(SUBSTRING(CAST(src.${ident(cols.date)} AS VARCHAR), 1, 10) AS DATE) AS "date", ${value(cols.metric_name)} AS metric_name,
  ${num(cols.metric_value)} AS metric_value, ${num(cols.numerator)} AS numerator, ${num(cols.denominator)} AS denominator
FROM (${unterminated(sql)}) AS src`;
}
