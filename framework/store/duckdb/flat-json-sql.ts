/**
 * The cheap test in front of the events JSON checks (event-csv-sql.ts fileTexts). Most user and
 * metadata texts are flat objects of plain strings — `{"userID":"…","customIDs":{"k":"v",…}}`
 * and `{"k":"v",…}` — which one full match of a regular expression recognizes, for less than
 * the checks' JSON parse and serialization, key lists and regular expression cost together.
 * A text it accepts, once its keys are distinct, passes every one of those checks, with the same
 * stored text, user_id and custom_ids (flat-json.test.ts holds it to that against the
 * checks themselves); every other text goes on to them, so the test only ever saves work.
 */
import { literal } from './metric-csv-sql.js';

/**
 * A string's text that DuckDB's JSON writer, and JavaScript's, keep as it is (no quote,
 * backslash or control character). `:`, `,` and `[`, which the checks' regular expressions read
 * as the start of a number or an object even inside a string, must be followed by a character
 * that starts neither (not `-`, a digit, `N`, `I` or `{`), and the text must not start with `:`
 * (after its opening quote, they would read a key's colon); a text with either is left to the checks.
 */
const PLAIN = String.raw`[^"\\\x00-\x1f:,\[]`;
const AFTER = String.raw`[^"\\\x00-\x1f:,\[{\-0-9NI]`;
const CHAR = String.raw`(?:${PLAIN}|[:,\[]${AFTER})`;
const TEXT = String.raw`(?:${PLAIN}|[,\[]${AFTER})${CHAR}*`;
/** A key: it starts with a letter, so it is neither numeric (JavaScript orders those first) nor `__proto__`. */
const KEY = `"[A-Za-z]${CHAR}*"`;
/** A pair with a non-empty string value, and customIDs as an object of one or more of them. */
const ID = `${KEY}:"${TEXT}"`;
const CUSTOM_IDS = `"customIDs":\\{${ID}(?:,${ID})*\\}`;
const USER_ID = `"userID":"${TEXT}"`;
const FLAT_USER = literal(`\\{(?:${USER_ID}|${USER_ID},${CUSTOM_IDS}|${CUSTOM_IDS},${USER_ID}|${CUSTOM_IDS})\\}`);
const PAIR = `${KEY}:"(?:${TEXT})?"`;
const FLAT_METADATA = literal(`\\{(?:${PAIR}(?:,${PAIR})*)?\\}`);

/**
 * Whether a user text (`u`, with no whitespace between tokens) is `{"userID":"…"}`, with
 * `"customIDs":{…}` of plain non-empty strings before or after it, or that alone. Its
 * customIDs' keys (of json_keys) must still be distinct. A key `customIDs` inside customIDs,
 * which the checks refuse, is left to them too.
 */
export const flatUser = (u: string) =>
  `(regexp_full_match(${u}, ${FLAT_USER}) AND NOT contains(${u}, '"customIDs":"'))`;

/**
 * Whether a metadata text (`m`, with no whitespace between tokens) is an object of plain strings
 * (empty ones too). Its keys must still be distinct.
 */
export const flatMetadata = (m: string) => `regexp_full_match(${m}, ${FLAT_METADATA})`;
