/**
 * The columnar path of `events` days: the source exports the day in bulk (ColumnarExport,
 * the same COPY text files as the metrics path) and the store loads and checks the rows
 * column-wise (DayLoad.eventsCsv), applying the timeuuid dedupe to the whole day. Only rows
 * whose values are not in the form the row path stores unchanged meet the row path's checks
 * (EventsMapper.check), so rejects and stored rows are the row path's. Used when the source
 * has a bulk export, the store a columnar events load, and every mapped column arrives as
 * text the store can read: a timestamp of a timestamp, number or text type, event_name and
 * timeuuid as text, event_value as text or a number, user as one JSON column or built from
 * id columns of text or numbers, event_metadata as text or JSON. Otherwise days take the row
 * path. One export per day: an events day is a range of instants, which the export cannot
 * route by the text of a row.
 */
import type { LoadedMapping } from '../config/project.js';
import type { ColumnValue, EventColumns } from '../config/types.js';
import type { ColumnarExport, ColumnInfo, Connector, DayFilter, Row } from '../connectors/types.js';
import type { DayLoad, EventsCsvSource, EventsCsvSpec, EventsUserIds } from '../store/types.js';
import type { Zone } from '../util/time.js';
import { eventNameOf, EventsMapper } from './map-events.js';
import { isProblem } from './mapped-row.js';
import type { ColumnarPlan } from './metrics-columnar.js';
import { rowJson, scalarText } from './row-values.js';

type Targets = Omit<EventsCsvSpec, 'columnCount' | 'fingerprint' | 'from' | 'to' | 'checkRow' | 'rowJson'>;

/** Whether (and how) a mapping's events days can take the columnar path. */
export function eventsColumnarPlan(
  mapping: LoadedMapping,
  connector: Connector,
  columns: ColumnInfo[],
  zone: Zone,
): ColumnarPlan | null {
  const exporter = connector.columnar;
  if (mapping.config.dataset !== 'events' || !exporter || !exporter.textColumns(columns)) return null;
  // Columns are exported by name: the names must tell them apart.
  if (new Set(columns.map((c) => c.name)).size !== columns.length) return null;
  const mapped = mapping.config.columns;
  const targets = eventTargets(mapped, columns, exporter);
  if (!targets) return null;
  const fingerprint = mapping.recheck.reloadOnFingerprintChange;
  const rowOf = (raw: (string | null)[]): Row => exporter.parseRow(columns, raw);
  const spec = (filter: DayFilter): EventsCsvSpec => {
    const mapper = new EventsMapper(mapped, { ingestion: mapping.config.name, day: filter.day, zone });
    return {
      ...targets,
      columnCount: columns.length,
      fingerprint,
      from: filter.fromUtc,
      to: filter.toUtc,
      checkRow: (raw) => {
        const checked = mapper.check(rowOf(raw));
        return checked.ok ? checked.record : checked.problem;
      },
      rowJson: (raw) => rowJson(rowOf(raw)),
    };
  };
  const open = (load: DayLoad, filter: DayFilter) => load.eventsCsv!(spec(filter));
  return { exporter, exportColumns: columns, multiDay: false, fingerprint, open };
}

/** Where each events target comes from in the export, or null when one cannot be read column-wise. */
function eventTargets(mapped: EventColumns, columns: ColumnInfo[], exporter: ColumnarExport): Targets | null {
  // A JSON column whose text may have whitespace between tokens, which the store compares its JSON without.
  const spacedJson = (c: ColumnInfo) => c.type === 'json' && !exporter.compactJson?.(c);
  const find = (name: string | undefined, types: string[]) => {
    const i = name === undefined ? -1 : columns.findIndex((c) => c.name === name);
    return i >= 0 && types.includes(columns[i].type) ? i : null;
  };
  const timestamp = find(mapped.timestamp, ['timestamp', 'integer', 'double', 'string']);
  // The row path reads a JSON user column when one is mapped, else builds the user from id columns.
  const jsonUser = mapped.user === undefined ? undefined : find(mapped.user, ['string', 'json']);
  const user =
    jsonUser === undefined
      ? userIdColumns(mapped, (name) => find(name, ['string', 'integer', 'double']), columns)
      : jsonUser === null
        ? null
        : { column: jsonUser, json: spacedJson(columns[jsonUser]) };
  const eventName = constantOrColumn(mapped.event_name, ['string'], columns, (v) => {
    const name = eventNameOf(v);
    return isProblem(name) ? undefined : name;
  });
  const eventValue =
    mapped.event_value === undefined
      ? null
      : constantOrColumn(mapped.event_value, ['string', 'integer', 'double'], columns, scalarText);
  const metadata = mapped.event_metadata === undefined ? null : find(mapped.event_metadata, ['string', 'json']);
  const timeuuid = mapped.timeuuid === undefined ? null : find(mapped.timeuuid, ['string']);
  if (timestamp === null || user === null || !eventName || eventValue === undefined) return null;
  if (mapped.event_metadata !== undefined && metadata === null) return null;
  if (mapped.timeuuid !== undefined && timeuuid === null) return null;
  return {
    timestamp: { column: timestamp, text: timestampForm(columns[timestamp].type, exporter.timestampText) },
    eventName,
    eventValue,
    metadata: metadata === null ? null : { column: metadata, json: spacedJson(columns[metadata]) },
    user,
    timeuuid: timeuuid === null ? null : { column: timeuuid },
  };
}

/**
 * The id columns a user is built from, or null when the store cannot write it as the row path's
 * JSON.stringify does: an id column of another type, or an id type that JSON.stringify would
 * escape or that is `__proto__`. The ids are in the order of the mapping's `customIDs` entries,
 * which is the row path's: JavaScript puts integer-like keys first in both.
 */
function userIdColumns(
  mapped: EventColumns,
  find: (name: string) => number | null,
  columns: ColumnInfo[],
): { ids: EventsUserIds } | null {
  const userID = mapped.userID === undefined ? null : find(mapped.userID);
  if (mapped.userID !== undefined && userID === null) return null;
  const customIDs: [string, number][] = [];
  for (const [idType, name] of Object.entries(mapped.customIDs ?? {})) {
    const column = find(name);
    const escaped = JSON.stringify(idType) !== `"${idType}"`;
    if (column === null || escaped || idType === '__proto__') return null;
    customIDs.push([idType, column]);
  }
  if (userID === null && customIDs.length === 0) return null;
  const used = [...(userID === null ? [] : [userID]), ...customIDs.map(([, column]) => column)];
  const numberColumns = [...new Set(used.filter((i) => columns[i].type === 'double'))];
  return { ids: { userID, customIDs, numberColumns } };
}

/** A target's exported column, or its constant as the row path stores it; undefined: not readable column-wise. */
function constantOrColumn(
  source: ColumnValue,
  types: string[],
  columns: ColumnInfo[],
  convert: (value: never) => string | null | undefined,
): EventsCsvSource | undefined {
  if (typeof source === 'object') {
    const text = convert(source.constant as never);
    return text === undefined ? undefined : { constant: text };
  }
  const i = columns.findIndex((c) => c.name === source);
  if (i < 0 || !types.includes(columns[i].type)) return undefined;
  return columns[i].type === 'double' ? { column: i, double: true } : { column: i };
}

/**
 * How the store reads the timestamp field: an integer or floating-point column's number
 * (seconds or milliseconds, as the row path reads it), a text column as the row path reads
 * its text, or a timestamp column as the source writes it.
 */
function timestampForm(type: string, written: ColumnarExport['timestampText']): EventsCsvSpec['timestamp']['text'] {
  if (type === 'integer') return 'integer';
  if (type === 'double') return 'number';
  if (type === 'string') return 'text';
  return written === 'epochMs' ? 'epochMs' : 'timestamp';
}
