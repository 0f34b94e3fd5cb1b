/**
 * Parses and checks request bodies, with a message that says what is wrong and how to fix
 * it. The mark-data-ready body is the seed's `{"datestamps": "2023-02-20", "type": "events"}`;
 * `datestamps` may also be a list, and `mapping` may name one ingestion instead of `type`.
 */
import { isIsoDate } from '../../util/time.js';
import type { BackfillInput, MarkDataReadyInput } from './types.js';

/** A request the API answers with 400 and this message. */
export class BadRequest extends Error {}

/** Deepest nesting of objects and arrays accepted; the API's bodies are two levels deep. */
export const MAX_JSON_DEPTH = 16;

export function parseJson(raw: string): Record<string, unknown> {
  // Checked before parsing, so no nesting depth can exhaust the stack of anything after it.
  const gauge = new JsonDepthGauge();
  gauge.feed(Buffer.from(raw, 'utf8'));
  if (gauge.deepest > MAX_JSON_DEPTH) throw tooDeep();
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new BadRequest(
      `The body is not valid JSON (${(err as Error).message}). Send e.g. {"datestamps": "2023-02-20", "type": "events"}.`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new BadRequest('The body must be a JSON object.');
  return value as Record<string, unknown>;
}

export function tooDeep(): BadRequest {
  return new BadRequest(
    `The body nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep. Send e.g. {"datestamps": "2023-02-20", "type": "events"}.`,
  );
}

const OPEN_BRACE = 0x7b,
  OPEN_BRACKET = 0x5b,
  CLOSE_BRACE = 0x7d,
  CLOSE_BRACKET = 0x5d,
  QUOTE = 0x22,
  BACKSLASH = 0x5c;

/**
 * The deepest bracket nesting of a JSON text fed in chunks as it arrives, brackets inside
 * strings not counted; the server stops reading a body as soon as it is too deep. Bytes of
 * multi-byte UTF-8 characters are all above 0x7f, so scanning bytes is exact.
 */
export class JsonDepthGauge {
  deepest = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  feed(chunk: Buffer): void {
    for (const byte of chunk) {
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
      } else if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.deepest = Math.max(this.deepest, ++this.depth);
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) this.depth--;
    }
  }
}

/** A value for an error message: short, whatever was sent. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function refuseUnknown(rest: Record<string, unknown>, expected: string): void {
  const unknown = Object.keys(rest);
  if (unknown.length)
    throw new BadRequest(
      `Unknown field(s) ${unknown
        .slice(0, 5)
        .map((k) => `'${k.slice(0, 40)}'`)
        .join(', ')}; expected ${expected}.`,
    );
}

function date(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isIsoDate(value.trim())) {
    throw new BadRequest(
      `'${field}' has ${shown(value)}, which is not a date; write dates as YYYY-MM-DD, e.g. 2023-02-20.`,
    );
  }
  return value.trim();
}

function dates(value: unknown): string[] {
  if (value === undefined)
    throw new BadRequest('\'datestamps\' is missing: give a date ("2023-02-20") or a list of dates.');
  const list = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new BadRequest("'datestamps' is empty: give at least one date.");
  return list.map((d) => date(d, 'datestamps'));
}

function name(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new BadRequest(`'${field}' must be a non-empty string.`);
  return value.trim();
}

export function parseMarkDataReady(body: Record<string, unknown>): MarkDataReadyInput {
  const { datestamps, type, mapping, ...rest } = body;
  refuseUnknown(rest, "'datestamps' and 'type' (or 'mapping')");
  if ((type === undefined) === (mapping === undefined))
    throw new BadRequest(
      "Give either 'type' (events or metrics) or 'mapping' (an ingestion name), not both or neither.",
    );
  const days = dates(datestamps);
  if (type !== undefined) {
    if (type !== 'events' && type !== 'metrics')
      throw new BadRequest(`Unknown type ${shown(type)}; use "events" or "metrics".`);
    return { dates: days, type };
  }
  return { dates: days, mapping: name(mapping, 'mapping') };
}

/** The backfill body, also the cancel body: `{mapping, from, to}`. */
export function parseBackfill(body: Record<string, unknown>): BackfillInput {
  const { mapping, from, to, ...rest } = body;
  refuseUnknown(rest, "'mapping', 'from' and 'to'");
  const input = { mapping: name(mapping, 'mapping'), from: date(from, 'from'), to: date(to, 'to') };
  if (input.to < input.from) throw new BadRequest(`'to' (${input.to}) is before 'from' (${input.from}).`);
  return input;
}
