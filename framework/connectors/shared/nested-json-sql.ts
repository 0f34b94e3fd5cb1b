/**
 * Nested DuckDB columns (STRUCT, MAP, LIST, ARRAY) on the columnar path of the DuckDB-run
 * sources: which type names travel as JSON text, the SQL of that text, and the text back as
 * the row path's value. The row path reads a nested value as JSON data (util/duckdb-values.ts,
 * nestedValue); the text must parse back to exactly that. `to_json` writes strings, booleans,
 * integers, doubles and dates so (wide integers and NaN with nestedJsonValue's help); a
 * timestamp member is rewritten first into the ISO text the row path has for it, a DECIMAL into
 * the double the row path reads from its text, a blob into the text the row path has for it.
 */
import { internalError } from '../../diagnostics/errors.js';
import type { Row } from '../types.js';
import { sqlLiteral } from './sql-dialect.js';

/**
 * Leaf types whose values `to_json` writes as text that nestedJsonValue reads back as the row
 * path's value: strings, booleans, integers (a 64-bit or wider one beyond 2^53 is its digits on
 * both sides), dates (DuckDB's text on both sides).
 */
const JSON_EXACT_LEAVES = new Set([
  'VARCHAR',
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'UHUGEINT',
  'DATE',
  'UUID',
]);

/**
 * Floating-point leaves (not map keys): `to_json` writes a double's shortest text, which
 * JSON.parse reads back as the same double (a FLOAT as the double it widens to, the row path's
 * number), and NaN and the infinities as bare words, which nestedJsonValue reads.
 */
const FLOAT_LEAVES = new Set(['DOUBLE', 'FLOAT']);

/** Timestamp leaves, which travel as the ISO text of isoText (not as map keys). */
const TIMESTAMP_LEAVES = new Set([
  'TIMESTAMP',
  'TIMESTAMP_S',
  'TIMESTAMP_MS',
  'TIMESTAMP_NS',
  'TIMESTAMP WITH TIME ZONE',
]);

/**
 * Types the row path holds as the node client's text of the value (util/duckdb-values.ts,
 * SOURCE_VALUE_CONVERTER and nestedValue), at the top and as leaves (not map keys): DuckDB's
 * own text, the string `to_json` writes, but for a BLOB's (clientTextSql).
 */
const CLIENT_TEXT_TYPES = new Set(['TIME', 'TIME_NS', 'TIME WITH TIME ZONE', 'INTERVAL', 'BIT', 'BLOB']);

/** Whether a type's values travel as the client's text of them (CLIENT_TEXT_TYPES; the name upper-cased). */
export const isClientTextType = (name: string): boolean => CLIENT_TEXT_TYPES.has(name);

/**
 * `DECIMAL(p,s)`, which travels as the double the row path reads from its text (DuckDB's own
 * conversion of a wide one to DOUBLE can round twice); not as a map key.
 */
const DECIMAL_LEAF = /^DECIMAL\([0-9]+,[0-9]+\)$/;

/** Leaves written anew before `to_json`: its text of them is not the row path's. */
const isRewritten = (name: string) => TIMESTAMP_LEAVES.has(name) || name === 'BLOB' || DECIMAL_LEAF.test(name);

/** A nested type, parsed from the name DuckDB writes for it. */
type NestedType =
  | { kind: 'leaf'; name: string }
  | { kind: 'struct'; fields: { name: string; type: NestedType }[] }
  | { kind: 'map'; key: NestedType; value: NestedType }
  | { kind: 'list'; element: NestedType };

const hasRewritten = (t: NestedType): boolean =>
  t.kind === 'leaf'
    ? isRewritten(t.name)
    : t.kind === 'struct'
      ? t.fields.some((f) => hasRewritten(f.type))
      : t.kind === 'map'
        ? hasRewritten(t.key) || hasRewritten(t.value)
        : hasRewritten(t.element);

/**
 * The type a name says, when it is a STRUCT, MAP, LIST or ARRAY of JSON_EXACT_LEAVES,
 * FLOAT_LEAVES, TIMESTAMP_LEAVES, CLIENT_TEXT_TYPES and DECIMALs only (nested to any depth), as
 * DuckDB writes the name:
 * `STRUCT("a" VARCHAR, "b" INTEGER[])`, `MAP(VARCHAR, VARCHAR)`, `VARCHAR[]`, `VARCHAR[2]`;
 * else null. Not a struct field named `__proto__` (the row path's object gets it as its
 * prototype, JSON.parse as a key), nor a map keyed by anything but JSON_EXACT_LEAVES (two
 * timestamp keys a millisecond apart would become one; a double key's text is not
 * JavaScript's), nor anything else in the name (a collation). An ENUM's labels are strings
 * on both sides: it is a VARCHAR leaf (cast to one before `to_json`, a map key too).
 */
function nestedType(nativeType: string): NestedType | null {
  // Asked for every field of the rows the row path's checks see (parseRow): scalar types leave at once.
  if (!/^(STRUCT|MAP)\(/i.test(nativeType) && !nativeType.endsWith(']')) return null;
  return new TypeNameReader(nativeType).whole();
}

/** Reads a type name token by token (nestedType). */
class TypeNameReader {
  private readonly tokens: string[];
  private at = 0;

  constructor(nativeType: string) {
    this.tokens = nativeType.match(/"(?:[^"]|"")*"|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_]*|\[[0-9]*\]|[0-9]+|\S/g) ?? [];
  }

  /** The type, when the name is one type and nothing more. */
  whole(): NestedType | null {
    const parsed = this.type();
    return parsed && this.at === this.tokens.length ? parsed : null;
  }

  private type(): NestedType | null {
    const word = this.tokens[this.at++]?.toUpperCase() ?? '';
    let t: NestedType | null;
    if (word === 'STRUCT') {
      const fields = this.members(true);
      t = fields && { kind: 'struct', fields };
    } else if (word === 'MAP') {
      const kv = this.members(false);
      // Keys whose text is the row path's key: JSON_EXACT_LEAVES only.
      const keyed = kv?.length === 2 && kv[0].type.kind === 'leaf' && JSON_EXACT_LEAVES.has(kv[0].type.name);
      t = keyed ? { kind: 'map', key: kv[0].type, value: kv[1].type } : null;
    } else t = this.leaf(word);
    // A LIST or ARRAY of it.
    while (t && this.tokens[this.at]?.startsWith('[')) {
      this.at++;
      t = { kind: 'list', element: t };
    }
    return t;
  }

  private members(named: boolean): { name: string; type: NestedType }[] | null {
    if (this.tokens[this.at++] !== '(') return null;
    const out: { name: string; type: NestedType }[] = [];
    for (;;) {
      const written = named ? this.tokens[this.at++] : '"field"';
      if (written === undefined || !/^("|[A-Za-z_])/.test(written)) return null;
      const name = written.startsWith('"') ? written.slice(1, -1).replaceAll('""', '"') : written;
      if (name === '__proto__') return null;
      const member = this.type();
      if (!member) return null;
      out.push({ name, type: member });
      const next = this.tokens[this.at++];
      if (next === ')') return out;
      if (next !== ',') return null;
    }
  }

  private leaf(word: string): NestedType | null {
    const ahead = (n: number) =>
      this.tokens
        .slice(this.at, this.at + n)
        .join(' ')
        .toUpperCase();
    if ((word === 'TIMESTAMP' || word === 'TIME') && ahead(3) === 'WITH TIME ZONE') {
      this.at += 3;
      return { kind: 'leaf', name: `${word} WITH TIME ZONE` };
    }
    if (word === 'ENUM' && this.tokens[this.at] === '(') return this.enumLabels();
    if (word === 'DECIMAL' && /^\( [0-9]+ , [0-9]+ \)$/.test(ahead(5))) {
      this.at += 5;
      return { kind: 'leaf', name: `DECIMAL(${this.tokens[this.at - 4]},${this.tokens[this.at - 2]})` };
    }
    const known = [JSON_EXACT_LEAVES, TIMESTAMP_LEAVES, FLOAT_LEAVES, CLIENT_TEXT_TYPES].some((set) => set.has(word));
    return known ? { kind: 'leaf', name: word } : null;
  }

  /** `ENUM('a', 'b')`: its labels, strings both in `to_json` and on the row path, so a VARCHAR. */
  private enumLabels(): NestedType | null {
    this.at++;
    for (;;) {
      if (!this.tokens[this.at++]?.startsWith("'")) return null;
      const next = this.tokens[this.at++];
      if (next === ')') return { kind: 'leaf', name: 'VARCHAR' };
      if (next !== ',') return null;
    }
  }
}

/** Parsed type names: parseRow asks a nested column's kind for every row the row path's checks see. */
const parsedTypes = new Map<string, NestedType | null>();

function parsedType(nativeType: string): NestedType | null {
  let parsed = parsedTypes.get(nativeType);
  if (parsed === undefined) {
    parsed = nestedType(nativeType);
    parsedTypes.set(nativeType, parsed);
  }
  return parsed;
}

/** Whether a nested column travels as JSON text (nestedType). */
export const isJsonExactNested = (nativeType: string): boolean => parsedType(nativeType) !== null;

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The type's name for a CAST (an ARRAY as a LIST: `to_json` writes both as a list). */
function typeName(t: NestedType): string {
  if (t.kind === 'leaf') return t.name;
  if (t.kind === 'list') return `${typeName(t.element)}[]`;
  if (t.kind === 'map') return `MAP(${typeName(t.key)}, ${typeName(t.value)})`;
  return `STRUCT(${t.fields.map((f) => `${quoted(f.name)} ${typeName(f.type)}`).join(', ')})`;
}

/** JavaScript's Date range, in milliseconds from the epoch. */
const MAX_DATE_MS = 8_640_000_000_000_000;

/**
 * A timestamp as the row path has it inside a nested value: the ISO text of the Date the node
 * client makes of it (its milliseconds truncated toward zero, as the client's BigInt division
 * does; `//` truncates so too), with JavaScript's six-digit signed years outside 0–9999; an
 * infinite timestamp, or one beyond a Date's range, as DuckDB's text (util/duckdb-values.ts,
 * farTimestampText).
 */
function isoText(ref: string, name: string): string {
  const ms =
    name === 'TIMESTAMP_NS'
      ? `(epoch_ns(${ref}) // 1000000)`
      : name === 'TIMESTAMP_S' || name === 'TIMESTAMP_MS'
        ? `epoch_ms(${ref})`
        : `(epoch_us(${ref}) // 1000)`;
  const t = `make_timestamp(${ms} * 1000)`;
  const year = `year(${t})`;
  const yearText = `CASE WHEN ${year} BETWEEN 0 AND 9999 THEN lpad(CAST(${year} AS VARCHAR), 4, '0')
    ELSE (CASE WHEN ${year} < 0 THEN '-' ELSE '+' END) || lpad(CAST(abs(${year}) AS VARCHAR), 6, '0') END`;
  const iso = `${yearText} || strftime(${t}, '-%m-%dT%H:%M:%S.%gZ')`;
  // A TIMESTAMPTZ's text through ICU is off by a millisecond out there: its instant's text, in UTC.
  const far =
    name === 'TIMESTAMP WITH TIME ZONE'
      ? `CAST(make_timestamp(epoch_us(${ref})) AS VARCHAR) || '+00'`
      : `CAST(${ref} AS VARCHAR)`;
  return `CASE WHEN NOT isfinite(${ref}) THEN CAST(${ref} AS VARCHAR) WHEN abs(${ms}) > ${MAX_DATE_MS} THEN ${far}
    ELSE ${iso} END`;
}

/** A leaf of isRewritten as the row path has it. */
function rewrittenLeaf(ref: string, name: string): string {
  if (TIMESTAMP_LEAVES.has(name)) return isoText(ref, name);
  // `Number` of the DECIMAL's exact text (DuckDB reads a double from text correctly rounded, as JavaScript does).
  if (DECIMAL_LEAF.test(name)) return `CAST(CAST(${ref} AS VARCHAR) AS DOUBLE)`;
  return clientTextSql(ref, name);
}

/**
 * The node client's text of a value of a CLIENT_TEXT_TYPES type, the row path's value of it:
 * DuckDB's text, but a blob's with a backslash as itself (DuckDB writes `\x5C`, and nothing
 * else differently).
 */
export const clientTextSql = (ref: string, name: string): string =>
  name === 'BLOB' ? `replace(CAST(${ref} AS VARCHAR), '\\x5C', '\\')` : `CAST(${ref} AS VARCHAR)`;

/**
 * The value with its leaves of isRewritten as the row path has them, everything else cast to
 * its type (a JSON member is then a string).
 */
function converted(ref: string, t: NestedType, depth: number): string {
  if (!hasRewritten(t)) return `CAST(${ref} AS ${typeName(t)})`;
  const x = `x${depth}`;
  switch (t.kind) {
    case 'leaf':
      return rewrittenLeaf(ref, t.name);
    case 'list':
      return `list_transform(${ref}, lambda ${x}: ${converted(x, t.element, depth + 1)})`;
    case 'map':
      return `map_from_entries(list_transform(map_entries(${ref}), lambda ${x}: struct_pack(key := ${converted(
        `${x}.key`,
        t.key,
        depth + 1,
      )}, value := ${converted(`${x}.value`, t.value, depth + 1)})))`;
    case 'struct': {
      const fields = t.fields.map(
        (f) => `${quoted(f.name)} := ${converted(`struct_extract(${ref}, ${sqlLiteral(f.name)})`, f.type, depth + 1)}`,
      );
      return `CASE WHEN ${ref} IS NOT NULL THEN struct_pack(${fields.join(', ')}) END`;
    }
  }
}

/** The JSON text of a nested column (of a type isJsonExactNested accepts) over `ref`. */
export function nestedJsonSql(ref: string, nativeType: string): string {
  const t = parsedType(nativeType);
  if (!t) throw internalError(`not a nested type that travels as JSON: ${nativeType}`);
  // Cast to the type its name says: a JSON member (named VARCHAR) is then a string, as the row path has it.
  const value = converted(ref, t, 0);
  return `CAST(to_json(${value}) AS VARCHAR)`;
}

/**
 * The tokens nestedJsonValue reads itself: a string (skipped), NaN or an infinity, an integer
 * of 16 digits or more (not a double's: those have a `.0`, a fraction or an exponent).
 */
const SPECIAL_TOKEN = /"(?:[^"\\]|\\.)*"|NaN|-?Infinity|(?<![0-9.])-?[0-9]{16,}(?![0-9.eE])/g;
const SPECIAL_NUMBER: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/**
 * A nested column's exported JSON back as the row path's value: an integer a double does not
 * hold exactly is its digits there (JSON.parse would round it), and NaN and the infinities,
 * which JSON lacks, are numbers: they are read as strings of a prefix the text does not hold,
 * then turned back.
 */
export function nestedJsonValue(json: string): Row[string] {
  if (!/[0-9]{16}|NaN|Infinity/.test(json)) return JSON.parse(json) as Row[string];
  let prefix = '\\u0000#';
  while (json.includes(prefix)) prefix += '#';
  let special = false;
  const exact = json.replace(SPECIAL_TOKEN, (token) => {
    if (token.startsWith('"')) return token;
    if (token in SPECIAL_NUMBER) {
      special = true;
      return `"${prefix}${token}"`;
    }
    return Number.isSafeInteger(Number(token)) ? token : `"${token}"`;
  });
  if (!special) return JSON.parse(exact) as Row[string];
  const marker = JSON.parse(`"${prefix}"`) as string;
  return JSON.parse(exact, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(marker) && Object.hasOwn(SPECIAL_NUMBER, value.slice(marker.length))
      ? SPECIAL_NUMBER[value.slice(marker.length)]
      : value,
  ) as Row[string];
}
