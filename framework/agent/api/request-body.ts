/**
 * Parses and checks request bodies, with a message that says what is wrong and how to fix
 * it. The mark-data-ready body is the seed's `{"datestamps": "2023-02-20", "type": "events"}`;
 * `datestamps` may also be a list, and `mapping` may name one ingestion instead of `type`.
 */
import { isIsoDate } from '../../util/time.js';
import type { BackfillInput, MarkDataReadyInput } from './types.js';

/** A request the API answers with 400 and this message. */
export class BadRequest extends Error {}

export function parseJson(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new BadRequest(`The body is not valid JSON (${(err as Error).message}). Send e.g. {"datestamps": "2023-02-20", "type": "events"}.`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new BadRequest('The body must be a JSON object.');
  return value as Record<string, unknown>;
}

function date(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isIsoDate(value.trim())) {
    throw new BadRequest(`'${field}' has ${JSON.stringify(value)}, which is not a date; write dates as YYYY-MM-DD, e.g. 2023-02-20.`);
  }
  return value.trim();
}

function dates(value: unknown): string[] {
  if (value === undefined) throw new BadRequest("'datestamps' is missing: give a date (\"2023-02-20\") or a list of dates.");
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
  const unknown = Object.keys(rest);
  if (unknown.length) throw new BadRequest(`Unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')}; expected 'datestamps' and 'type' (or 'mapping').`);
  if ((type === undefined) === (mapping === undefined)) throw new BadRequest("Give either 'type' (events or metrics) or 'mapping' (an ingestion name), not both or neither.");
  const days = dates(datestamps);
  if (type !== undefined) {
    if (type !== 'events' && type !== 'metrics') throw new BadRequest(`Unknown type ${JSON.stringify(type)}; use "events" or "metrics".`);
    return { dates: days, type };
  }
  return { dates: days, mapping: name(mapping, 'mapping') };
}

export function parseBackfill(body: Record<string, unknown>): BackfillInput {
  const input = { mapping: name(body.mapping, 'mapping'), from: date(body.from, 'from'), to: date(body.to, 'to') };
  if (input.to < input.from) throw new BadRequest(`'to' (${input.to}) is before 'from' (${input.from}).`);
  return input;
}
