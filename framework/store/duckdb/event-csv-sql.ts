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
 *   JSON.parse reads from it: valid and equal to DuckDB's own serialization of it (so no
 *   whitespace between tokens; JSON-typed columns have it removed first), no repeated keys,
 *   and nothing JavaScript writes differently (one regular expression per column, JSON_ODD);
 *   the user's ids and the metadata's string values checked on the text;
 * - a timestamp text in the canonical form, or an integer of at most 15 digits, inside the
 *   day's bounds after truncation to milliseconds (as the row path's Date keeps it).
 */
import type { EventsCsvSource, EventsCsvSpec } from '../types.js';
import { literal } from './metric-csv-sql.js';

/**
 * What in canonical JSON (already as DuckDB's JSON writer writes it: valid, no whitespace,
 * no trailing comma) JavaScript would still write differently, or that the rules look at:
 * a numeric key (JavaScript orders those first) or `__proto__`; a number with a fraction or
 * exponent, of 16 digits or more, NaN or Infinity (only integers of up to 15 digits read and
 * write back the same). Text inside strings can match too, which only sends a row to the
 * row path's checks.
 */
const JSON_ODD = String.raw`[{,]"([0-9]+|__proto__)":|[:\[,]-?([0-9]+[.eE]|[0-9]{16}|[NI])`;
/** Metadata values are strings: a value that is not (or an odd key). */
const METADATA_ODD = literal(`${JSON_ODD}|":[^"]`);
/**
 * In a user JSON: a userID that is not a non-empty string; customIDs that is not an object of
 * non-empty strings (walked token by token: strings hold no `"` here); an object anywhere
 * else (a `":{` not after the key customIDs, an object in an array).
 */
const NOT_CUSTOM_IDS =
  String.raw`([^s]|[^D]s|[^I]Ds|[^m]IDs|[^o]mIDs|[^t]omIDs|[^s]tomIDs|[^u]stomIDs|[^c]ustomIDs` +
  String.raw`|[^"]customIDs|[^{,]"customIDs)":\{`;
const BAD_IDS = String.raw`"userID":([^"]|"")|"customIDs":([^{]|\{\}|\{("[^"]*"[:,])*"[^"]*":([^"]|""))`;
const USER_ODD = literal(`${JSON_ODD}|${BAD_IDS}|${NOT_CUSTOM_IDS}|[\\[,]\\{`);
/** With nothing nested but customIDs, a `"userID":"` or `"customIDs":{"` is the user's id (or in its customIDs). */
const HAS_ID = `(contains(u, '"userID":"') OR contains(u, '"customIDs":{"'))`;

/** JavaScript's `\s`, which the row path turns into `_` in event names. */
const SPACE = literal(
  String.raw`[\t\n\x0B\f\r \x{00A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]`,
);
const TIMESTAMP_TEXT = literal(String.raw`[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(\+00)?`);
/** Below this a numeric timestamp is UNIX seconds, above it milliseconds (as map-events.ts). */
const SECONDS_LIMIT = 100_000_000_000;

/** `read_csv` of one exported file, every column as text (see metric-csv-sql.ts readCsv). */
export function readEventsCsv(file: string, spec: Pick<EventsCsvSpec, 'columnCount' | 'fingerprint'>): string {
  const columns = Array.from({ length: spec.columnCount }, (_, i) => `'c${i}': 'VARCHAR'`);
  if (spec.fingerprint) columns.push(`'fp': 'BIGINT'`);
  const options = `header = false, auto_detect = false, delim = '\t', quote = '', escape = '', nullstr = '\\N'`;
  return `read_csv(${literal(file)}, ${options}, columns = {${columns.join(', ')}}, strict_mode = true)`;
}

const noEscape = (c: string) => `NOT contains(${c}, '\\')`;
/** JSON text without whitespace between tokens (strings kept whole; valid when there is no escape). */
const minified = (c: string, json: boolean) => (json ? `regexp_replace(${c}, '("[^"]*")|[ \t\n\r]+', '\\1', 'g')` : c);
/** Valid JSON text without escapes, or NULL: what the JSON functions below may read (they fail on invalid JSON). */
const validJson = (c: string, json: boolean) =>
  `CASE WHEN NOT contains(${c}, '\\') AND json_valid(${minified(c, json)}) THEN ${minified(c, json)} END`;
/** A JSON object written exactly as DuckDB's JSON writer writes it (so: no whitespace, no trailing comma). */
const canonicalObject = (j: string) => `starts_with(${j}, '{') AND CAST(json(${j}) AS VARCHAR) = ${j}`;
/** No repeated key: pair by pair for the few keys JSON objects here usually have (a set per row costs more). */
function distinct(list: string): string {
  const pairs = (n: number) => {
    const out: string[] = [];
    for (let i = 1; i <= n; i++) for (let j = i + 1; j <= n; j++) out.push(`${list}[${i}] <> ${list}[${j}]`);
    return out.join(' AND ');
  };
  const small = [2, 3, 4].map((n) => `WHEN ${n} THEN ${pairs(n)}`).join(' ');
  return `CASE len(${list}) WHEN 0 THEN true WHEN 1 THEN true ${small} ELSE list_unique(${list}) = len(${list}) END`;
}

/**
 * A file as the checks read it: the exported
 * text, plus the derived values the checks and the stored row share (`ts`: the timestamp,
 * `u`/`m`: the JSON, minified, when valid and without escapes; `uk`, `ck`, `mk`: the user's, its customIDs' and
 * the metadata's keys).
 */
export function eventsSource(csv: string, spec: EventsCsvSpec): string {
  const raw = Array.from({ length: spec.columnCount }, (_, i) => `c${i}`);
  const t = `c${spec.timestamp.column}`;
  const ts =
    spec.timestamp.text === 'timestamp'
      ? `date_trunc('millisecond', TRY_CAST(${canonicalTimestamp(t)} AS TIMESTAMP))`
      : `(CASE WHEN regexp_full_match(${t}, '-?[0-9]{1,15}') THEN epoch_ms(${epochMs(`CAST(${t} AS BIGINT)`)}) END)`;
  const out = [...raw, `${ts} AS ts`, `${validJson(`c${spec.user.column}`, spec.user.json)} AS u`];
  if (spec.metadata) out.push(`${validJson(`c${spec.metadata.column}`, spec.metadata.json)} AS m`);
  if (spec.fingerprint) out.push('fp');
  // The JSON values the checks read more than once, read once.
  const json = [`json_keys(u) AS uk`, `json_keys(u, '$.customIDs') AS ck`];
  if (spec.metadata) json.push('json_keys(m) AS mk');
  return `(SELECT *, ${json.join(', ')} FROM (SELECT ${out.join(', ')} FROM ${csv}))`;
}

/** The timestamp text when in the canonical form, else NULL. */
const canonicalTimestamp = (t: string) => `CASE WHEN regexp_full_match(${t}, ${TIMESTAMP_TEXT}) THEN ${t} END`;
/** UNIX seconds or milliseconds as milliseconds, as the row path reads a number. */
const epochMs = (n: string) => `CASE WHEN abs(${n}) < ${SECONDS_LIMIT} THEN ${n} * 1000 ELSE ${n} END`;

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
  // Values are strings (nothing nested): the top-level keys are all the keys.
  const ok = `${canonicalObject('m')} AND NOT regexp_matches(m, ${METADATA_ODD}) AND ${distinct('mk')}`;
  return `(${c} IS NULL OR ${c} = '' OR (${ok}))`;
}

/**
 * userID absent or a non-empty string, customIDs absent or an object of non-empty strings, one
 * of them present, no repeated key, and nothing nested but customIDs.
 */
function userOk(): string {
  const keys = `${distinct('uk')} AND coalesce(${distinct('ck')}, true)`;
  return `${canonicalObject('u')} AND NOT regexp_matches(u, ${USER_ODD}) AND ${HAS_ID} AND ${keys}`;
}

/** Whether a row (of eventsSource) passes every rule for certain and is stored as its text says (NULL: not sure). */
export function eventRowOk(spec: EventsCsvSpec): string {
  const bounds = `ts >= ${instant(spec.from)} AND ts < ${instant(spec.to)}`;
  const checks = [bounds, nameOk(spec), textOk(spec.eventValue), metadataOk(spec), userOk(), textOk(spec.timeuuid)];
  return checks.join(' AND ');
}

const NULL_TEXT = 'CAST(NULL AS VARCHAR)';
const source = (s: EventsCsvSource | null, transform = (c: string) => c) =>
  s === null || ('constant' in s && s.constant === null)
    ? NULL_TEXT
    : 'column' in s
      ? transform(`c${s.column}`)
      : literal(s.constant!);

const STORED = [
  '"timestamp"',
  'event_name',
  'event_value',
  'event_metadata',
  '"user"',
  'user_id',
  'custom_ids',
  'timeuuid',
];
/** The stored events columns after ingestion and day, in the order eventColumns gives them. */
export const EVENT_COLUMNS = STORED.join(', ');

/** The stored events columns (after ingestion and day) of a row eventRowOk accepts, named as in `events`. */
export function eventColumns(spec: EventsCsvSpec): string {
  const name = source(spec.eventName, (c) => `regexp_replace(${c}, ${SPACE}, '_', 'g')`);
  const meta = spec.metadata ? `CASE WHEN c${spec.metadata.column} = '' THEN NULL ELSE m END` : 'CAST(NULL AS VARCHAR)';
  const userId = `u->>'$.userID'`;
  const customIds = `CAST(u->'$.customIDs' AS VARCHAR)`;
  const tu = spec.timeuuid ? `c${spec.timeuuid.column}` : null;
  const generated = 'CAST(uuid() AS VARCHAR)';
  const uuid = tu ? `CASE WHEN ${tu} IS NULL OR ${tu} = '' THEN ${generated} ELSE ${tu} END` : generated;
  const values = ['ts', name, source(spec.eventValue), meta, 'u', userId, customIds, uuid];
  return values.map((v, i) => `${v} AS ${STORED[i]}`).join(', ');
}

/** The exported columns as the row path's checks read them. */
export function rawEventColumns(spec: EventsCsvSpec): string {
  return Array.from({ length: spec.columnCount }, (_, i) => `c${i}`).join(', ');
}
