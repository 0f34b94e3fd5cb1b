/**
 * The SQL of the columnar events load (see event-csv-load.ts): the events rules a row decides
 * alone, written as expressions over the exported columns (`c0`, `c1`, …, all text), so
 * DuckDB checks a file at once. A row is accepted here only when each mapped value is in the
 * form the row path stores unchanged; every other row is handed to the row path's own checks
 * (which also word the rejects), so these checks are deliberately strict:
 *
 * - no backslash in a mapped text column (COPY's text format escapes with one; the row path
 *   reads the value unescaped); a floating-point event_value written as JavaScript writes it;
 * - JSON (user, event_metadata) exactly as JavaScript's JSON.stringify writes what
 *   JSON.parse reads from it: valid and equal to DuckDB's own serialization of it (so no
 *   whitespace between tokens; JSON-typed columns have it removed first), no repeated keys,
 *   and nothing JavaScript writes differently (one regular expression per column, JSON_ODD);
 *   the user's ids and the metadata's string values checked on the text;
 * - a timestamp text in the canonical form, or an integer of at most 15 digits (UNIX
 *   milliseconds for a timestamp column the source writes so), inside the day's bounds after
 *   truncation to milliseconds (as the row path's Date keeps it).
 *
 * The JSON checks depend on the text alone, and users and metadata repeat within a file, so
 * they run once per distinct text of a file (fileTexts): the few texts that fail are then
 * named in the per-row statement (eventRowOkKnown), which checks the rest of each row and
 * needs no join (a join could reorder the rows, whose order the dedupe reads). A file with
 * too many failing texts to name is checked row by row (eventsSource, eventRowOk). Event
 * names repeat too: the same pass finds those with a space, so that only they are rewritten.
 * In that pass a cheap test comes first (flat-json-sql.ts): a text that is a flat object of
 * plain strings with distinct keys, as most users and metadata are, passes every check above
 * for the price of one regular expression and one key list, and only the others are checked.
 *
 * A user built from id columns (userID, customIDs) is written here as JSON.stringify writes
 * the row path's object: the non-empty ids, userID first, then customIDs in the mapping's
 * order. Only ids that JSON.stringify writes unchanged between quotes (no quote, backslash or
 * control character) are written so; a row with another id goes to the row path. An id of a
 * floating-point or NUMERIC column is its number's text as JavaScript writes it (numberText).
 */
import { DUCKDB_ROWS } from '../schema.js';
import type { EventsCsvSource, EventsCsvSpec, EventsUserIds } from '../types.js';
import { flatMetadata, flatUser } from './flat-json-sql.js';
import { CSV_BUFFER, literal } from './metric-csv-sql.js';
import { numberText } from './number-text-sql.js';

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
/** Below this a numeric timestamp is UNIX seconds, above it milliseconds (as map-events.ts). */
const SECONDS_LIMIT = 100_000_000_000;
const NULL_TEXT = 'CAST(NULL AS VARCHAR)';
/** A character JSON.stringify escapes in a string. */
const ESCAPED_IN_JSON = literal(String.raw`["\\\x00-\x1F]`);

/** `read_csv` of one exported file, every column as text (see metric-csv-sql.ts readCsv). */
export function readEventsCsv(file: string, spec: Pick<EventsCsvSpec, 'columnCount' | 'fingerprint'>): string {
  const columns = Array.from({ length: spec.columnCount }, (_, i) => `'c${i}': 'VARCHAR'`);
  if (spec.fingerprint) columns.push(`'fp': 'BIGINT'`);
  const options = `header = false, auto_detect = false, delim = '\t', quote = '', escape = '', nullstr = '\\N', ${CSV_BUFFER}`;
  return `read_csv(${literal(file)}, ${options}, columns = {${columns.join(', ')}}, strict_mode = true)`;
}

/** A floating-point or NUMERIC column, whose text the row path reads as a number. */
const isNumber = (s: EventsCsvSource | { column: number } | null): s is { column: number; double: true } =>
  s !== null && 'double' in s && s.double === true;

const noEscape = (c: string) => `NOT contains(${c}, '\\')`;
/** DuckDB's JSON writer's text of a JSON text (NULL: not JSON DuckDB reads). */
const canonical = (c: string) => `TRY(CAST(json(${c}) AS VARCHAR))`;
/**
 * A JSON-typed column's text with COPY's escapes of newline, tab and carriage return undone
 * (Snowflake writes VARIANT pretty-printed, over several lines). Outside JSON strings those
 * characters are whitespace; inside them JSON has no raw ones.
 */
const layoutUnescaped = (c: string) => `replace(replace(replace(${c}, '\\n', chr(10)), '\\t', chr(9)), '\\r', chr(13))`;
/** The text without its whitespace, inside strings too (of text with no escape, see compactJson). */
const withoutLayout = (c: string) =>
  `replace(replace(replace(replace(${c}, ' ', ''), chr(10), ''), chr(9), ''), chr(13), '')`;
/**
 * A JSON-typed column's text without the whitespace between tokens that its type may write
 * (PostgreSQL's jsonb writes `{"a": "b"}`, Snowflake's VARIANT new lines and indents), or
 * NULL: DuckDB's own text of it, when that differs from it in whitespace only. Without a JSON
 * escape no `"` is inside a string, and the strings are DuckDB's unchanged, so removing every
 * space (and new line, tab, carriage return) on both sides compares the rest: anything DuckDB's
 * lenient reader normalizes (a trailing comma, `1E2`, `-0`) differs. (A regular expression
 * that removes the whitespace outside strings costs about 16 times as much.)
 */
function compactJson(c: string): string {
  // Most JSON columns (DuckDB's, BigQuery's) are written compact already: one comparison, no replace.
  const spaced = `CASE WHEN ${canonical(c)} = ${c} THEN ${c}
    WHEN replace(${canonical(c)}, ' ', '') = replace(${c}, ' ', '') THEN ${canonical(c)} END`;
  const t = layoutUnescaped(c);
  const laidOut = `CASE WHEN ${withoutLayout(canonical(t))} = ${withoutLayout(t)} THEN ${canonical(t)} END`;
  // Any backslash left (an escaped backslash, or COPY's escape of another control character) is the row path's.
  return `CASE WHEN ${noEscape(c)} THEN ${spaced} WHEN ${noEscape(t)} THEN ${laidOut} END`;
}
/**
 * JSON text without escapes, written exactly as DuckDB's JSON writer writes it (so: valid, no
 * whitespace, no trailing comma), or NULL: what the JSON functions below may read (they fail
 * on invalid JSON). One parse: `json` fails on invalid text, which TRY turns into NULL. A
 * JSON-typed column's text may have whitespace between tokens (compactJson).
 */
const validJson = (c: string, json: boolean) =>
  json ? compactJson(c) : `CASE WHEN ${noEscape(c)} AND ${canonical(c)} = ${c} THEN ${c} END`;
/**
 * The stored text of a JSON column's text whose checks passed (of validJson): its compact
 * form, which for such a text is DuckDB's own (unchecked here: the checks ran on the text),
 * and the text itself when it has no whitespace or escape (then the two are equal).
 */
const storedJson = (c: string, json: boolean) =>
  json
    ? `CASE WHEN NOT contains(${c}, ' ') AND ${noEscape(c)} THEN ${c}
        ELSE ${canonical(`CASE WHEN ${noEscape(c)} THEN ${c} ELSE ${layoutUnescaped(c)} END`)} END`
    : c;
/** A JSON object (of validJson: already canonical). */
const canonicalObject = (j: string) => `starts_with(${j}, '{')`;
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
 * The user the row path builds from id columns, as JSON.stringify writes it (`user`, NULL when
 * it has no id, an id JSON.stringify would escape or a number the store does not write as
 * JavaScript does), its userID and its customIDs' JSON.
 */
function builtUser(ids: EventsUserIds): { user: string; userId: string; customIds: string } {
  // A number column's id is its number's text; NULL and '' are no id.
  const id = (i: number) => (ids.numberColumns.includes(i) ? numberText(`c${i}`) : `c${i}`);
  const present = (i: number) => `CASE WHEN ${id(i)} <> '' THEN ${id(i)} END`;
  const userId = ids.userID === null ? NULL_TEXT : present(ids.userID);
  const entries = ids.customIDs.map(
    ([idType, i]) => `${literal(`${JSON.stringify(idType)}:"`)} || ${present(i)} || '"'`,
  );
  const customIds = entries.length ? `nullif('{' || concat_ws(',', ${entries.join(', ')}) || '}', '{}')` : NULL_TEXT;
  const columns = [...(ids.userID === null ? [] : [ids.userID]), ...ids.customIDs.map(([, i]) => i)];
  // A number the store cannot write as the row path does (NaN, an exponent) goes to the row path, as an escaped id.
  const written = (i: number) =>
    ids.numberColumns.includes(i) ? `${id(i)} IS NOT NULL` : `NOT regexp_matches(c${i}, ${ESCAPED_IN_JSON})`;
  const plain = [...new Set(columns)].map((i) => `(c${i} IS NULL OR ${written(i)})`).join(' AND ');
  const parts = `concat_ws(',', '"userID":"' || ${userId} || '"', '"customIDs":' || ${customIds})`;
  return { user: `CASE WHEN ${plain} THEN nullif('{' || ${parts} || '}', '{}') END`, userId, customIds };
}

/** The exported text, the timestamp (`ts`) and, with `json`, the given JSON expressions as `u` and `m`. */
function fileColumns(
  csv: string,
  spec: EventsCsvSpec,
  json: (c: string, isJson: boolean) => string,
  numbered: boolean,
): string {
  const raw = Array.from({ length: spec.columnCount }, (_, i) => `c${i}`);
  const t = `c${spec.timestamp.column}`;
  const ts = eventInstant(t, spec.timestamp.text);
  const out = [...raw, `${ts} AS ts`];
  if ('ids' in spec.user) {
    const built = builtUser(spec.user.ids);
    out.push(`${built.user} AS u`, `${built.userId} AS uid`, `${built.customIds} AS ucids`);
  } else out.push(`${json(`c${spec.user.column}`, spec.user.json)} AS u`);
  if (spec.metadata) out.push(`${json(`c${spec.metadata.column}`, spec.metadata.json)} AS m`);
  // A number value's stored text, which its check and the stored row share.
  if (isNumber(spec.eventValue)) out.push(`${numberText(`c${spec.eventValue.column}`)} AS nv`);
  if (spec.fingerprint) out.push('fp');
  if (numbered) out.push('ln');
  return `SELECT ${out.join(', ')} FROM ${csv}`;
}

/**
 * A file as the row-by-row checks (eventRowOk) read it: the exported text (and, `numbered`,
 * its line number `ln`, which `csv` then has), plus the derived values the checks and the
 * stored row share (`ts`: the timestamp, `u`/`m`: the JSON, compact, when canonical and
 * without escapes; `uk`, `ck`, `mk`: the user's, its customIDs' and the metadata's keys).
 */
export function eventsSource(csv: string, spec: EventsCsvSpec, numbered = false): string {
  // The JSON values the checks read more than once, read once.
  const json = 'ids' in spec.user ? [] : [`json_keys(u) AS uk`, `json_keys(u, '$.customIDs') AS ck`];
  if (spec.metadata) json.push('json_keys(m) AS mk');
  const source = fileColumns(csv, spec, validJson, numbered);
  return json.length ? `(SELECT *, ${json.join(', ')} FROM (${source}))` : `(${source})`;
}

/**
 * A file as eventRowOkKnown reads it: eventsSource's columns without the JSON checks (`u` and
 * `m` are the JSON as stored, compact; only rows whose texts passed them are stored).
 */
export function knownTextsSource(csv: string, spec: EventsCsvSpec, numbered = false): string {
  return `(${fileColumns(csv, spec, storedJson, numbered)})`;
}

/**
 * What a file's distinct texts say (of fileTexts): its user and metadata texts that fail their
 * checks, and its event names with a space (which the row path turns into `_`). Null: too many
 * to name in a statement (the check, or the replacement, then runs row by row).
 */
export interface FileTexts {
  user: string[] | null;
  metadata: string[] | null;
  spacedNames: string[] | null;
}

/** fileTexts' kinds of texts, in its `kind` column. */
export const TEXT_KINDS = ['user', 'metadata', 'spacedNames'] as const;

/**
 * A file's distinct user and metadata texts that fail their checks (userOk, metadataTextOk)
 * and event names with a space, as rows `(kind, text)` (kind: the index in TEXT_KINDS), at
 * most `limit` of each kind. One scan of the file, one aggregate per column (GROUPING SETS).
 * NULL users are left out: the per-row statement rejects them itself, as it takes NULL and
 * empty metadata and checks the names' other rules. A user built from id columns has no text
 * to look at here. Null: the file has no texts to look at.
 */
export function fileTexts(csv: string, spec: EventsCsvSpec, limit: number): string | null {
  const sets: [string, number][] = 'ids' in spec.user ? [] : [[`c${spec.user.column}`, 0]];
  if (spec.metadata) sets.push([`c${spec.metadata.column}`, 1]);
  if ('column' in spec.eventName) sets.push([`c${spec.eventName.column}`, 2]);
  if (sets.length === 0) return null;
  const columns = sets.map(([c, kind]) => `${c} AS t${kind}`).join(', ');
  const kind = `CASE ${sets.map(([, k]) => `WHEN GROUPING(t${k}) = 0 THEN ${k}`).join(' ')} END`;
  const text = `CASE ${sets.map(([, k]) => `WHEN GROUPING(t${k}) = 0 THEN t${k}`).join(' ')} END`;
  const groups = sets.map(([, k]) => `(t${k})`).join(', ');
  const texts = `SELECT ${kind} AS kind, ${text} AS text FROM (SELECT ${columns} FROM ${csv}) GROUP BY GROUPING SETS (${groups})`;
  const u = 'ids' in spec.user ? 'NULL' : `CASE WHEN kind = 0 THEN ${validJson('text', spec.user.json)} END`;
  const m = spec.metadata ? `CASE WHEN kind = 1 THEN ${validJson('text', spec.metadata.json)} END` : 'NULL';
  const keys = `json_keys(u) AS uk, json_keys(u, '$.customIDs') AS ck, json_keys(m) AS mk`;
  const rest = notFlat(texts, spec);
  const checked = `SELECT kind, text, u, m, ${keys} FROM (SELECT kind, text, ${u} AS u, ${m} AS m FROM (${rest}))`;
  const ok = `CASE kind WHEN 0 THEN ${userOk()} WHEN 1 THEN text = '' OR (${metadataTextOk()}) ELSE false END`;
  const wanted = `CASE kind WHEN 2 THEN regexp_matches(text, ${SPACE}) ELSE NOT coalesce(${ok}, false) END`;
  return `SELECT kind, text FROM (${checked}) WHERE text IS NOT NULL AND ${wanted}
    QUALIFY row_number() OVER (PARTITION BY kind) <= ${limit}`;
}

/**
 * fileTexts' distinct texts (`kind`, `text`) less the user and metadata texts the cheap test
 * passes (flat-json-sql.ts: a flat object of plain strings, with distinct keys), which would
 * pass the checks too: only the others go on to them.
 */
function notFlat(texts: string, spec: EventsCsvSpec): string {
  const meta = spec.metadata;
  const userJson = 'json' in spec.user && spec.user.json;
  const compact = (json: boolean) => (json ? compactJson('text') : 'text');
  const json = `CASE kind WHEN 0 THEN ${compact(userJson)} WHEN 1 THEN ${compact(meta?.json ?? false)} END`;
  const flat = `CASE kind WHEN 0 THEN ${flatUser('j')} WHEN 1 THEN ${flatMetadata('j')} ELSE false END`;
  const keys = `CASE WHEN flat THEN CASE kind WHEN 0 THEN json_keys(j, '$.customIDs') ELSE json_keys(j) END END`;
  const tested = `SELECT kind, text, j, coalesce(${flat}, false) AS flat FROM (SELECT kind, text, ${json} AS j FROM (${texts}))`;
  const passing = `flat AND coalesce(${distinct('k')}, true)`;
  return `SELECT kind, text FROM (SELECT kind, text, flat, ${keys} AS k FROM (${tested})) WHERE NOT (${passing})`;
}

/**
 * Whether a text is a timestamp `YYYY-MM-DD<separator>HH:MM:SS[.f…]<suffix>` with 1 to 6
 * fraction digits: its length says which one GLOB pattern it must match (a GLOB costs a third of
 * the equivalent regular expression).
 */
function timestampShape(t: string, separator: ' ' | 'T', suffix: '' | '+00' | 'Z'): string {
  const d = (n: number) => '[0-9]'.repeat(n);
  const core = `${d(4)}-${d(2)}-${d(2)}${separator}${d(2)}:${d(2)}:${d(2)}`;
  const lengths = [`WHEN ${19 + suffix.length} THEN ${t} GLOB '${core}${suffix}'`];
  for (let n = 1; n <= 6; n++) lengths.push(`WHEN ${20 + n + suffix.length} THEN ${t} GLOB '${core}.${d(n)}${suffix}'`);
  return `CASE strlen(${t}) ${lengths.join(' ')} ELSE false END`;
}
/** The canonical form a timestamp column's text takes: `YYYY-MM-DD HH:MM:SS[.f…][+00]`. */
const canonicalTimestampText = (t: string) =>
  `CASE WHEN ends_with(${t}, '+00') THEN ${timestampShape(t, ' ', '+00')} ELSE ${timestampShape(t, ' ', '')} END`;
/**
 * The forms of a text column's timestamp whose instant DuckDB reads as the row path does (UTC
 * without a zone, fractions truncated to milliseconds): the canonical forms, and ISO 8601's
 * `YYYY-MM-DDTHH:MM:SS[.f…][Z]`.
 */
const textTimestampText = (t: string) =>
  `CASE WHEN ends_with(${t}, 'Z') THEN ${timestampShape(t, 'T', 'Z')} WHEN contains(${t}, 'T') THEN ${timestampShape(
    t,
    'T',
    '',
  )} ELSE ${canonicalTimestampText(t)} END`;
/** The timestamp text when in the canonical form, else NULL. */
const canonicalTimestamp = (t: string) => `CASE WHEN ${canonicalTimestampText(t)} THEN ${t} END`;
/**
 * The instant (a TIMESTAMP, milliseconds) of a timestamp field `t` in the given form, as the
 * row path reads it, or NULL when the row path must read it.
 * @internal exported for its test
 */
export function eventInstant(t: string, form: EventsCsvSpec['timestamp']['text']): string {
  const integer = `CAST(${t} AS BIGINT)`;
  const whole = `WHEN regexp_full_match(${t}, '-?[0-9]{1,15}') THEN epoch_ms(${form === 'epochMs' ? integer : epochMs(integer)})`;
  if (form === 'timestamp') return `date_trunc('millisecond', TRY_CAST(${canonicalTimestamp(t)} AS TIMESTAMP))`;
  if (form === 'integer' || form === 'epochMs') return `(CASE ${whole} END)`;
  const number = `${whole} ${fractionalEpoch(t)}`;
  if (form === 'number') return `(CASE ${number} END)`;
  const utc = `date_trunc('millisecond', TRY_CAST(${t} AS TIMESTAMP))`;
  return `(CASE ${number} WHEN ${textTimestampText(t)} THEN ${utc} ${offsetInstant(t)} END)`;
}
/** A text timestamp whose offset from UTC follows it, `+HH`, `+HHMM` or `+HH:MM` (or `-`). */
const WITH_OFFSET = literal(
  String.raw`[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?[+-][0-9]{2}(:?[0-9]{2})?`,
);
/**
 * A text timestamp with an offset (`2026-10-05T09:00:00.123-07:00`, as apps write their local
 * time), as the row path's `Date.parse` reads it: the local time less the offset. Offsets
 * `Date.parse` refuses (hours over 23, minutes over 59) go to the row path.
 */
function offsetInstant(t: string): string {
  const part = (group: number) => `regexp_extract(${t}, '([+-])([0-9]{2}):?([0-9]{2})?$', ${group})`;
  const [hours, minutes] = [`CAST(${part(2)} AS INTEGER)`, `coalesce(TRY_CAST(${part(3)} AS INTEGER), 0)`];
  const offset = `CASE ${part(1)} WHEN '-' THEN -1 ELSE 1 END * (${hours} * 60 + ${minutes})`;
  const local = `date_trunc('millisecond', TRY_CAST(regexp_replace(${t}, '[+-][0-9:]+$', '') AS TIMESTAMP))`;
  const read = `CASE WHEN ${hours} <= 23 AND ${minutes} <= 59 THEN ${local} - to_minutes(${offset}) END`;
  return `WHEN regexp_full_match(${t}, ${WITH_OFFSET}) THEN ${read}`;
}
/** UNIX seconds or milliseconds as milliseconds, as the row path reads a number. */
const epochMs = (n: string) => `CASE WHEN abs(${n}) < ${SECONDS_LIMIT} THEN ${n} * 1000 ELSE ${n} END`;
/**
 * A plain decimal with a fraction as the row path reads it: `Math.round` of the double's
 * milliseconds (the same IEEE product in DuckDB as in JavaScript). `floor(x + 0.5)` is
 * `Math.round(x)` exactly where the sum needs no rounding, that is from 1 ms away from the
 * epoch on; closer ones go to the row path.
 */
function fractionalEpoch(t: string): string {
  const ms = `(${epochMs(`CAST(${t} AS DOUBLE)`)})`;
  return `WHEN regexp_full_match(${t}, '-?[0-9]{1,15}\\.[0-9]+') AND abs(${ms}) >= 1 THEN epoch_ms(CAST(floor(${ms} + 0.5) AS BIGINT))`;
}

const instant = (d: Date) => `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'`;

function nameOk(spec: EventsCsvSpec): string {
  if ('constant' in spec.eventName) return spec.eventName.constant === null ? 'false' : 'true';
  const c = `c${spec.eventName.column}`;
  // `_` for a space keeps the count of characters (code points, as DuckDB's length counts).
  return `${c} <> '' AND ${noEscape(c)} AND length(${c}) <= 127`;
}

function textOk(source: EventsCsvSource | { column: number } | null): string {
  if (!source || !('column' in source)) return 'true';
  const c = `c${source.column}`;
  return `(${c} IS NULL OR ${isNumber(source) ? 'nv IS NOT NULL' : noEscape(c)})`;
}

function metadataOk(spec: EventsCsvSpec): string {
  if (!spec.metadata) return 'true';
  const c = `c${spec.metadata.column}`;
  return `(${c} IS NULL OR ${c} = '' OR (${metadataTextOk()}))`;
}

/** A metadata text (`m`, of validJson, keys `mk`) to store as it is. */
function metadataTextOk(): string {
  // Values are strings (nothing nested): the top-level keys are all the keys.
  return `${canonicalObject('m')} AND NOT regexp_matches(m, ${METADATA_ODD}) AND ${distinct('mk')}`;
}

/**
 * userID absent or a non-empty string, customIDs absent or an object of non-empty strings, one
 * of them present, no repeated key, and nothing nested but customIDs.
 */
function userOk(): string {
  const keys = `${distinct('uk')} AND coalesce(${distinct('ck')}, true)`;
  return `${canonicalObject('u')} AND NOT regexp_matches(u, ${USER_ODD}) AND ${HAS_ID} AND ${keys}`;
}

/** The checks of a row that do not read its JSON (of eventsSource or knownTextsSource). */
function rowChecks(spec: EventsCsvSpec): string[] {
  const bounds = `ts >= ${instant(spec.from)} AND ts < ${instant(spec.to)}`;
  return [bounds, nameOk(spec), textOk(spec.eventValue), textOk(spec.timeuuid)];
}

/** Whether a row (of eventsSource) passes every rule for certain and is stored as its text says (NULL: not sure). */
export function eventRowOk(spec: EventsCsvSpec): string {
  return [...rowChecks(spec), metadataOk(spec), 'ids' in spec.user ? 'u IS NOT NULL' : userOk()].join(' AND ');
}

/** `c` is not one of `texts` (a constant list: no join, which could reorder the rows). */
const notIn = (c: string, texts: string[]) =>
  texts.length === 0 ? 'true' : `NOT list_contains([${texts.map(literal).join(', ')}], ${c})`;

/**
 * eventRowOk for a row of knownTextsSource whose file's failing JSON texts are `texts` (of
 * fileTexts, all of them): the other texts passed the same checks.
 */
export function eventRowOkKnown(spec: EventsCsvSpec, texts: { user: string[]; metadata: string[] }): string {
  const checks = rowChecks(spec);
  if ('ids' in spec.user) checks.push('u IS NOT NULL');
  else checks.push(`c${spec.user.column} IS NOT NULL`, notIn(`c${spec.user.column}`, texts.user));
  if (spec.metadata)
    checks.push(`(c${spec.metadata.column} IS NULL OR ${notIn(`c${spec.metadata.column}`, texts.metadata)})`);
  return checks.join(' AND ');
}

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
/** The same columns with their types, for the temporary tables that hold rows on their way into `events`. */
export const STORED_EVENT_TYPES =
  '"timestamp" TIMESTAMP, event_name VARCHAR, event_value VARCHAR, event_metadata VARCHAR, ' +
  '"user" VARCHAR, user_id VARCHAR, custom_ids VARCHAR, timeuuid VARCHAR';
/** The start of an insert of a day's events ($1 the ingestion's number, $2 the day); the selected columns follow. */
export const INSERT_EVENTS = `INSERT INTO ${DUCKDB_ROWS.events} (ingestion_id, day, ${EVENT_COLUMNS}) SELECT $1, CAST($2 AS DATE),`;

/**
 * The stored events columns (after ingestion and day) of a row eventRowOk accepts, named as in
 * `events`; `spacedNames`: the file's event names with a space, when known (of fileTexts).
 */
export function eventColumns(spec: EventsCsvSpec, spacedNames: string[] | null = null): string {
  const underscores = (c: string) => `regexp_replace(${c}, ${SPACE}, '_', 'g')`;
  // Only the names known to have a space (when known) need the replacement.
  const name = source(spec.eventName, (c) =>
    spacedNames === null
      ? underscores(c)
      : spacedNames.length === 0
        ? c
        : `CASE WHEN ${notIn(c, spacedNames)} THEN ${c} ELSE ${underscores(c)} END`,
  );
  const meta = spec.metadata ? `CASE WHEN c${spec.metadata.column} = '' THEN NULL ELSE m END` : 'CAST(NULL AS VARCHAR)';
  // One parse for both (the same expression twice in a projection is computed once).
  const ids = `json_extract_string(u, ['$.userID', '$.customIDs'])`;
  const [userId, customIds] = 'ids' in spec.user ? ['uid', 'ucids'] : [`${ids}[1]`, `${ids}[2]`];
  const tu = spec.timeuuid ? `c${spec.timeuuid.column}` : null;
  const generated = 'CAST(uuid() AS VARCHAR)';
  const uuid = tu ? `CASE WHEN ${tu} IS NULL OR ${tu} = '' THEN ${generated} ELSE ${tu} END` : generated;
  const value = isNumber(spec.eventValue) ? 'nv' : source(spec.eventValue);
  const values = ['ts', name, value, meta, 'u', userId, customIds, uuid];
  return values.map((v, i) => `${v} AS ${STORED[i]}`).join(', ');
}

/** The exported columns as the row path's checks read them. */
export function rawEventColumns(spec: EventsCsvSpec): string {
  return Array.from({ length: spec.columnCount }, (_, i) => `c${i}`).join(', ');
}

/**
 * The timeuuid dedupe's statements over the rows of `table` matching `where`: how many rows
 * repeat an earlier row's timeuuid, and the DELETE of those rows (the first row of a timeuuid
 * in load order, its lowest rowid, stays), as the row path keeps the first.
 */
export function timeuuidRepeats(table: string, where = 'true'): { count: string; drop: string } {
  return {
    count: `SELECT count(*) - count(DISTINCT timeuuid) FROM ${table} WHERE ${where}`,
    drop: `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM (
      SELECT rowid, row_number() OVER (PARTITION BY timeuuid ORDER BY rowid) AS n FROM ${table} WHERE ${where}
    ) WHERE n > 1)`,
  };
}
