/**
 * An experiment's inputs in its warehouse: the `events` and `metrics` relations the pipeline's
 * SQL reads, built from the ingestions' own SQL over the warehouse's tables instead of the
 * store's loaded rows. Each mapping's query becomes a subquery whose result columns are
 * renamed, cast and derived (UTC timestamp, the project zone's day, user ids) as the
 * ingestion would have loaded them. Rows are read as they are: the ingestion's row checks
 * (rejects) and its de-duplication by timeuuid do not apply in the warehouse. Everything an
 * engine spells its own way (identifiers, literals, types, JSON, instants) goes through the
 * experiment dialect, so the inputs are SQL of the warehouse's engine.
 */
import type { ColumnValue, EventsMapping, MappingConfig, MetricsMapping } from '../config/types.js';
import type { ColumnInfo } from '../connectors/types.js';
import { WharfError } from '../diagnostics/errors.js';
import type { Zone } from '../util/time.js';
import type { ExperimentDialect } from './dialect.js';

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

/** What building the inputs needs: the engine's dialect, the project's zone, a way to read a query's columns. */
export interface InputContext {
  dialect: ExperimentDialect;
  zone: Zone;
  describe(sql: string): Promise<ColumnInfo[]>;
}

const unterminated = (sql: string) => sql.trim().replace(/;\s*$/, '');

/** The inputs of the experiment's ingestions (`mappings`, each an events or metrics ingestion) in the warehouse. */
export async function warehouseInputs(ctx: InputContext, mappings: InputMapping[]): Promise<PipelineInputs> {
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
    const described = { sql: m.sqlText, columns };
    if (m.config.dataset === 'events') events.push(eventsSelect(ctx, { ...described, config: m.config }));
    else metrics.push(metricsSelect(ctx, { ...described, config: m.config as MetricsMapping }));
  }
  return {
    events: relation(events, emptyEvents(ctx.dialect)),
    metrics: relation(metrics, emptyMetrics(ctx.dialect)),
  };
}

const relation = (selects: string[], empty: string) => `(${selects.length ? selects.join('\nUNION ALL\n') : empty})`;

/** No rows, typed columns: LIMIT 0 rather than WHERE, which BigQuery refuses without FROM. */
function emptyEvents(d: ExperimentDialect): string {
  const text = (name: string) => `CAST(NULL AS ${d.types.string}) AS ${name}`;
  const timestamp = `CAST(NULL AS TIMESTAMP) AS ${d.ident('timestamp')}`;
  const texts = ['event_name', 'event_value', 'event_metadata', 'user_id', 'custom_ids'].map(text);
  return `SELECT ${[text('ingestion'), timestamp, 'CAST(NULL AS DATE) AS day', ...texts].join(', ')} LIMIT 0`;
}

function emptyMetrics(d: ExperimentDialect): string {
  const text = (name: string) => `CAST(NULL AS ${d.types.string}) AS ${name}`;
  const num = (name: string) => `CAST(NULL AS ${d.types.double}) AS ${name}`;
  const date = `CAST(NULL AS DATE) AS ${d.ident('date')}`;
  const columns = [...['ingestion', 'unit_id', 'id_type'].map(text), date, text('metric_name')];
  return `SELECT ${[...columns, ...['metric_value', 'numerator', 'denominator'].map(num)].join(', ')} LIMIT 0`;
}

/** A result column of the mapping's query (`src`). */
const col = (d: ExperimentDialect, name: string) => `src.${d.ident(name)}`;
const asText = (d: ExperimentDialect, expression: string) => `CAST(${expression} AS ${d.types.string})`;
const nullText = (d: ExperimentDialect) => `CAST(NULL AS ${d.types.string})`;

/** A mapped text column: a result column as text, a constant, or NULL when unmapped. */
function value(d: ExperimentDialect, column: ColumnValue | undefined): string {
  if (column === undefined) return nullText(d);
  if (typeof column === 'string') return asText(d, col(d, column));
  const c = column.constant;
  return c === null ? nullText(d) : d.literal(String(c));
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

/**
 * The mapping's timestamp as a UTC TIMESTAMP, read as the ingestion reads it: a number is
 * UNIX seconds below 1e11 and milliseconds above (as microseconds, rounded: every engine
 * converts whole microseconds exactly), text is an ISO 8601 instant.
 */
function timestampOf(d: ExperimentDialect, column: string, type: ColumnInfo['type']): string {
  const c = col(d, column);
  if (type === 'integer' || type === 'double') {
    const n = `CAST(${c} AS ${d.types.double})`;
    return d.epochMicros(`ROUND(CASE WHEN ABS(${n}) < 1e11 THEN ${n} * 1000000 ELSE ${n} * 1000 END)`);
  }
  if (type === 'string') return d.textInstant(c);
  return d.utcTimestamp(c);
}

/** A mapping with its SQL and the SQL's result columns in the warehouse. */
interface Described<M> {
  config: M;
  sql: string;
  columns: ColumnInfo[];
}

/** A mapped column as JSON text: serialized when the warehouse types it as JSON, else cast to text. */
function jsonColumn(d: ExperimentDialect, m: Described<EventsMapping>, column: string): string {
  return typeOf(m.columns, column, m.config.name) === 'json' ? d.jsonToText(col(d, column)) : asText(d, col(d, column));
}

/** The user id and the custom ids (JSON text) of an events mapping. */
function userIds(d: ExperimentDialect, m: Described<EventsMapping>): { userId: string; customIds: string } {
  const cols = m.config.columns;
  if (cols.user) {
    const user = jsonColumn(d, m, cols.user);
    return { userId: d.jsonText(user, 'userID'), customIds: d.jsonObjectText(user, 'customIDs') };
  }
  const userId = cols.userID ? asText(d, col(d, cols.userID)) : nullText(d);
  const pairs = Object.entries(cols.customIDs ?? {}).map(([k, c]): [string, string] => [k, asText(d, col(d, c))]);
  return { userId, customIds: pairs.length ? d.jsonObject(pairs) : nullText(d) };
}

/** The event name with whitespace replaced by `_`, as ingestions load it (a constant's replaced here). */
function eventName(d: ExperimentDialect, column: ColumnValue): string {
  if (typeof column === 'string') return d.whitespaceToUnderscore(value(d, column));
  return column.constant === null ? nullText(d) : d.literal(String(column.constant).replace(/\s/g, '_'));
}

function eventsSelect(ctx: InputContext, m: Described<EventsMapping>): string {
  const d = ctx.dialect;
  const cols = m.config.columns;
  const ts = timestampOf(d, cols.timestamp, typeOf(m.columns, cols.timestamp, m.config.name));
  const offset = ctx.zone.kind === 'fixed' ? ctx.zone.offsetMinutes : 0;
  const metadata = cols.event_metadata ? jsonColumn(d, m, cols.event_metadata) : nullText(d);
  const { userId, customIds } = userIds(d, m);
  const name = eventName(d, cols.event_name);
  const t = d.ident('timestamp');
  const inner = `SELECT ${ts} AS ${t}, ${name} AS event_name, ${value(d, cols.event_value)} AS event_value, ${metadata} AS event_metadata, ${userId} AS user_id, ${customIds} AS custom_ids
  FROM (${unterminated(m.sql)}) AS src`;
  return `SELECT ${d.literal(m.config.name)} AS ingestion, ev.${t}, CAST(${d.addMinutes(`ev.${t}`, offset)} AS DATE) AS day, ev.event_name, ev.event_value, ev.event_metadata, ev.user_id, ev.custom_ids
FROM (${inner}) AS ev`;
}

/** A metrics date as a DATE: a date or timestamp column's date, or the first ten characters of text. */
function dateOf(d: ExperimentDialect, column: string, type: ColumnInfo['type']): string {
  const c = col(d, column);
  if (type === 'date' || type === 'timestamp') return `CAST(${c} AS DATE)`;
  return `CAST(SUBSTRING(${asText(d, c)}, 1, 10) AS DATE)`;
}

function metricsSelect(ctx: InputContext, m: Described<MetricsMapping>): string {
  const d = ctx.dialect;
  const cols = m.config.columns;
  const num = (column: string | undefined) =>
    column ? `CAST(${col(d, column)} AS ${d.types.double})` : `CAST(NULL AS ${d.types.double})`;
  const date = dateOf(d, cols.date, typeOf(m.columns, cols.date, m.config.name));
  return `SELECT ${d.literal(m.config.name)} AS ingestion, ${asText(d, col(d, cols.unit_id))} AS unit_id, ${value(d, cols.id_type)} AS id_type,
  ${date} AS ${d.ident('date')}, ${value(d, cols.metric_name)} AS metric_name,
  ${num(cols.metric_value)} AS metric_value, ${num(cols.numerator)} AS numerator, ${num(cols.denominator)} AS denominator
FROM (${unterminated(m.sql)}) AS src`;
}
