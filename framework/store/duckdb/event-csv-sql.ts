/**
 * The SQL of the columnar events load (see event-csv-load.ts): the events rules a row decides
 * alone, written as expressions over the exported columns (`c0`, `c1`, …, all text), so
 * DuckDB checks a file at once. A row is accepted here only when each mapped value is in the
 * form the row path stores unchanged; every other row is handed to the row path's own checks
 * (which also word the rejects), so these checks are deliberately strict:
 *
 * - no backslash in a mapped text column (COPY's text format escapes with one; the row path
 *   reads the value unescaped);
 * - JSON (user, event_metadata) exactly as JavaScript's JSON.stringify writes what
 *   JSON.parse reads from it: no whitespace between tokens (JSON-typed columns have it
 *   removed first), strings without escapes or control characters, integers of at most 15
 *   digits, no repeated, numeric (ordered first by JavaScript) or `__proto__` keys;
 * - a timestamp text in the canonical form, or an integer of at most 15 digits, inside the
 *   day's bounds after truncation to milliseconds (as the row path's Date keeps it).
 */
import type { EventsCsvSource, EventsCsvSpec } from '../types.js';
import { literal } from './metric-csv-sql.js';

/** A JSON string as JSON.stringify writes it back unchanged: no escape, no control character. */
const STRING = String.raw`"[^"\\\x00-\x1f]*"`;
const NON_EMPTY_STRING = String.raw`"[^"\\\x00-\x1f]+"`;
/** Scalars JSON.stringify writes back unchanged (no `-0`, no exponent or fraction, exact as a double). */
const SCALAR = `(${STRING}|null|true|false|0|-?[1-9][0-9]{0,14})`;
/** An object of strings (event_metadata). */
const STRING_OBJECT = String.raw`\{(${STRING}:${STRING}(,${STRING}:${STRING})*)?\}`;
/** customIDs: at least one id, each a non-empty string (the row path drops empty ones). */
const IDS = String.raw`\{${STRING}:${NON_EMPTY_STRING}(,${STRING}:${NON_EMPTY_STRING})*\}`;
const USER_PAIR = `(${STRING}:${SCALAR}|"customIDs":${IDS})`;
const USER_OBJECT = String.raw`\{(${USER_PAIR}(,${USER_PAIR})*)?\}`;
/** Keys JavaScript orders first (array indices), or treats specially in an assignment. */
const ODD_KEY = literal(String.raw`[{,]"([0-9]+|__proto__)":`);
/** A userID that is not a non-empty string, customIDs that is not an object, userID inside customIDs. */
const ODD_IDS = literal(String.raw`[{,]"(userID":([^"]|"")|customIDs":[^{])|"customIDs":\{[^}]*"userID":`);
const HAS_ID = literal(String.raw`[{,]"(userID":"|customIDs":\{)`);
/** JavaScript's `\s`, which the row path turns into `_` in event names. */
const SPACE = literal(String.raw`[\t\n\x0B\f\r \x{00A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]`);
const TIMESTAMP_TEXT = literal(String.raw`[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(\+00)?`);
/** Below this a numeric timestamp is UNIX seconds, above it milliseconds (as map-events.ts). */
const SECONDS_LIMIT = 100_000_000_000;

/** `read_csv` of one exported file, every column as text (see metric-csv-sql.ts readCsv). */
export function readEventsCsv(file: string, spec: Pick<EventsCsvSpec, 'columnCount' | 'fingerprint'>): string {
  const columns = Array.from({ length: spec.columnCount }, (_, i) => `'c${i}': 'VARCHAR'`);
  if (spec.fingerprint) columns.push(`'fp': 'BIGINT'`);
  return `read_csv(${literal(file)}, header = false, auto_detect = false, delim = '\t', quote = '', escape = '', nullstr = '\\N', columns = {${columns.join(', ')}}, strict_mode = true)`;
}

const noEscape = (c: string) => `NOT contains(${c}, '\\')`;
/** JSON text without whitespace between tokens (strings kept whole; valid when there is no escape). */
const minified = (c: string, json: boolean) => (json ? `regexp_replace(${c}, '("[^"]*")|[ \t\n\r]+', '\\1', 'g')` : c);
const keysOk = (j: string) =>
  `NOT regexp_matches(${j}, ${ODD_KEY}) AND list_unique(regexp_extract_all(${j}, '[{,]"([^"]*)":', 1)) = len(regexp_extract_all(${j}, '[{,]"([^"]*)":', 1))`;

/**
 * The columns a file is read through: the exported text, plus the derived values the checks
 * and the stored row share (`ts`: the timestamp, `u`/`m`: the minified JSON).
 */
export function derivedColumns(spec: EventsCsvSpec): string {
  const raw = Array.from({ length: spec.columnCount }, (_, i) => `c${i}`);
  const t = `c${spec.timestamp.column}`;
  const ts = spec.timestamp.text === 'timestamp'
    ? `date_trunc('millisecond', TRY_CAST(CASE WHEN regexp_full_match(${t}, ${TIMESTAMP_TEXT}) THEN ${t} END AS TIMESTAMP))`
    : `(CASE WHEN regexp_full_match(${t}, '-?[0-9]{1,15}') THEN epoch_ms(CASE WHEN abs(CAST(${t} AS BIGINT)) < ${SECONDS_LIMIT} THEN CAST(${t} AS BIGINT) * 1000 ELSE CAST(${t} AS BIGINT) END) END)`;
  const out = [...raw, `${ts} AS ts`, `${minified(`c${spec.user.column}`, spec.user.json)} AS u`];
  if (spec.metadata) out.push(`${minified(`c${spec.metadata.column}`, spec.metadata.json)} AS m`);
  if (spec.fingerprint) out.push('fp');
  return out.join(', ');
}

const instant = (d: Date) => `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'`;

function nameOk(spec: EventsCsvSpec): string {
  if ('constant' in spec.eventName) return spec.eventName.constant === null ? 'false' : 'true';
  const c = `c${spec.eventName.column}`;
  // `_` for a space keeps the count of characters (code points, as DuckDB's length counts).
  return `${c} <> '' AND ${noEscape(c)} AND length(${c}) <= 127`;
}

function textOk(source: EventsCsvSource | { column: number } | null): string {
  return source && 'column' in source ? `(c${source.column} IS NULL OR ${noEscape(`c${source.column}`)})` : 'true';
}

function metadataOk(spec: EventsCsvSpec): string {
  if (!spec.metadata) return 'true';
  const c = `c${spec.metadata.column}`;
  return `(${c} IS NULL OR ${c} = '' OR (${noEscape(c)} AND regexp_full_match(m, ${literal(STRING_OBJECT)}) AND ${keysOk('m')}))`;
}

function userOk(spec: EventsCsvSpec): string {
  const c = `c${spec.user.column}`;
  return `${c} <> '' AND ${noEscape(c)} AND regexp_full_match(u, ${literal(USER_OBJECT)}) AND ${keysOk('u')} AND NOT regexp_matches(u, ${ODD_IDS}) AND regexp_matches(u, ${HAS_ID})`;
}

/** Whether a row (of derivedColumns) passes every events rule for certain and is stored as its text says (NULL: not for certain). */
export function eventRowOk(spec: EventsCsvSpec): string {
  const bounds = `ts >= ${instant(spec.from)} AND ts < ${instant(spec.to)}`;
  return [bounds, nameOk(spec), textOk(spec.eventValue), metadataOk(spec), userOk(spec), textOk(spec.timeuuid)].join(' AND ');
}

const source = (s: EventsCsvSource | null, transform = (c: string) => c) =>
  s === null ? 'CAST(NULL AS VARCHAR)' : 'column' in s ? transform(`c${s.column}`) : s.constant === null ? 'CAST(NULL AS VARCHAR)' : literal(s.constant);

const STORED = ['"timestamp"', 'event_name', 'event_value', 'event_metadata', '"user"', 'user_id', 'custom_ids', 'timeuuid'];
/** The stored events columns after ingestion and day, in the order eventColumns gives them. */
export const EVENT_COLUMNS = STORED.join(', ');

/** The stored events columns (after ingestion and day) of a row eventRowOk accepts, named as in `events`. */
export function eventColumns(spec: EventsCsvSpec): string {
  const name = source(spec.eventName, (c) => `regexp_replace(${c}, ${SPACE}, '_', 'g')`);
  const meta = spec.metadata ? `CASE WHEN c${spec.metadata.column} = '' THEN NULL ELSE m END` : 'CAST(NULL AS VARCHAR)';
  const userId = `nullif(regexp_extract(u, '[{,]"userID":"([^"]*)"', 1), '')`;
  const customIds = `nullif(regexp_extract(u, '[{,]"customIDs":(\\{[^}]*\\})', 1), '')`;
  const uuid = spec.timeuuid ? `CASE WHEN c${spec.timeuuid.column} IS NULL OR c${spec.timeuuid.column} = '' THEN CAST(uuid() AS VARCHAR) ELSE c${spec.timeuuid.column} END` : 'CAST(uuid() AS VARCHAR)';
  const values = ['ts', name, source(spec.eventValue), meta, 'u', userId, customIds, uuid];
  return values.map((v, i) => `${v} AS ${STORED[i]}`).join(', ');
}


/** The exported columns as the row path's checks read them. */
export function rawEventColumns(spec: EventsCsvSpec): string {
  return Array.from({ length: spec.columnCount }, (_, i) => `c${i}`).join(', ');
}
