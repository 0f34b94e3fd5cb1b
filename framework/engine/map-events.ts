/**
 * Map and validate `events` rows against the seed contract: timestamp (UNIX seconds or
 * milliseconds, or a timestamp type; UTC), event_name (spaces become `_`, under 128
 * characters), event_value (string; numbers converted), event_metadata (JSON object of
 * strings), user (JSON with userID and/or customIDs, at least one id), timeuuid (generated
 * when absent; a duplicate within the day keeps the first row).
 */
import { randomUUID } from 'node:crypto';
import type { EventColumns } from '../config/types.js';
import type { Row, RowValue } from '../connectors/types.js';
import { dayOf, type Zone } from '../util/time.js';
import { columnReader, type ColumnReader } from './column-source.js';
import { failed, isProblem, problem, type MappedEvent, type RowProblem } from './mapped-row.js';
import { characterCount } from './character-count.js';
import { MAX_NAME_LENGTH } from './map-metrics.js';
import { buildUser } from './event-user.js';
import { jsonObject, scalarText, shown } from './row-values.js';

export interface EventsMapperContext {
  ingestion: string;
  /** The day being loaded; null for a sample, where each event keeps its own day. */
  day: string | null;
  zone: Zone;
}

/** Below this a numeric timestamp is UNIX seconds (1e11 s is the year 5138), above it milliseconds. */
const SECONDS_LIMIT = 1e11;

export function toInstant(value: RowValue): Date | null | undefined {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) n = Number(value);
  else if (typeof value === 'string') {
    const text = value.trim();
    // A zone follows a time: the `-05` ending a bare date is its day.
    const hasZone = text.length > 10 && /(Z|[+-]\d{2}(:?\d{2})?)$/i.test(text);
    // An hours-only offset (`-08`, as PostgreSQL prints one) gets its minutes: Date.parse needs them.
    const ms = Date.parse(
      hasZone ? text.replace(/([+-]\d{2})$/, '$1:00') : text.length > 10 ? `${text.replace(' ', 'T')}Z` : text,
    );
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  if (n === undefined || !Number.isFinite(n)) return undefined;
  return new Date(Math.abs(n) < SECONDS_LIMIT ? Math.round(n * 1000) : Math.round(n));
}

/** The stored event name (spaces as `_`) of a mapped value, or its problem. */
export function eventNameOf(value: RowValue): string | RowProblem {
  const raw = scalarText(value);
  if (!raw) return problem('event_name', 'missing', 'event_name is null or empty');
  const name = raw.replace(/\s/g, '_');
  // UTF-16 units are at least the characters: only a long name needs counting.
  const length = name.length > MAX_NAME_LENGTH ? characterCount(name) : name.length;
  if (length > MAX_NAME_LENGTH)
    return problem(
      'event_name',
      'too_long',
      `event_name is ${length} characters; it must be under 128 (${shown(name)})`,
    );
  return name;
}

export class EventsMapper {
  private readonly read: Record<
    'timestamp' | 'event_name' | 'event_value' | 'event_metadata' | 'timeuuid',
    ColumnReader
  >;
  private readonly seen = new Set<string>();
  /** Rows dropped because their timeuuid was already seen this day. */
  duplicates = 0;

  constructor(
    private readonly columns: EventColumns,
    private readonly ctx: EventsMapperContext,
  ) {
    this.read = {
      timestamp: columnReader(columns.timestamp),
      event_name: columnReader(columns.event_name),
      event_value: columnReader(columns.event_value),
      event_metadata: columnReader(columns.event_metadata),
      timeuuid: columnReader(columns.timeuuid),
    };
  }

  /** The mapped row, a reject, or null for a duplicate of an earlier row. */
  map(row: Row): MappedEvent | null {
    return this.build(row, true);
  }

  /**
   * The mapped row or its reject, without the day's dedupe (the caller dedupes the day's
   * rows): a row whose timeuuid is null or empty gets a random one, as in `map`.
   */
  check(row: Row): MappedEvent {
    return this.build(row, false)!;
  }

  private build(row: Row, dedupe: boolean): MappedEvent | null {
    const timestamp = this.timestamp(row);
    if (isProblem(timestamp)) return failed(timestamp);
    const name = eventNameOf(this.read.event_name(row));
    if (isProblem(name)) return failed(name);
    const value = this.eventValue(row);
    if (isProblem(value)) return failed(value);
    const metadata = this.metadata(row);
    if (isProblem(metadata)) return failed(metadata);
    const user = buildUser(this.columns, row);
    if (!user.ok) return user;
    const uuid = this.timeuuid(row, dedupe);
    if (uuid === null) return null;
    return {
      ok: true,
      record: {
        ingestion: this.ctx.ingestion,
        day: dayOf(timestamp, this.ctx.zone),
        timestamp,
        event_name: name,
        event_value: value,
        event_metadata: metadata,
        user: user.user,
        user_id: user.userId,
        custom_ids: user.customIds,
        timeuuid: uuid,
      },
    };
  }

  /** Every problem of the row, one per column (for `ingest sample`); empty when it is valid. */
  problems(row: Row): RowProblem[] {
    const user = buildUser(this.columns, row);
    const found = [
      this.timestamp(row),
      eventNameOf(this.read.event_name(row)),
      this.eventValue(row),
      this.metadata(row),
    ].filter(isProblem);
    return user.ok ? found : [...found, user.problem];
  }

  private timestamp(row: Row): Date | RowProblem {
    const raw = this.read.timestamp(row);
    const timestamp = toInstant(raw);
    if (timestamp === null) return problem('timestamp', 'missing', 'timestamp is null');
    if (timestamp === undefined)
      return problem(
        'timestamp',
        'invalid',
        `timestamp must be UNIX seconds or milliseconds, or a timestamp, got ${shown(raw)}`,
      );
    if (this.ctx.day !== null && dayOf(timestamp, this.ctx.zone) !== this.ctx.day) {
      return problem(
        'timestamp',
        'outside_day',
        `timestamp ${timestamp.toISOString()} is not on the day being loaded (${this.ctx.day})`,
      );
    }
    return timestamp;
  }

  private eventValue(row: Row): string | null | RowProblem {
    const raw = this.read.event_value(row);
    const value = scalarText(raw);
    if (value === undefined)
      return problem('event_value', 'not_scalar', `event_value must be a string or a number, got ${shown(raw)}`);
    return value;
  }

  private metadata(row: Row): string | null | RowProblem {
    const raw = this.read.event_metadata(row);
    if (raw === null || raw === '') return null;
    const object = jsonObject(raw);
    if (typeof object === 'string')
      return problem('event_metadata', 'not_object', `event_metadata ${object} (${shown(raw)})`);
    const out: Record<string, string> = {};
    for (const [key, v] of Object.entries(object)) {
      if (v === null || v === undefined) continue;
      if (typeof v === 'object')
        return problem(
          'event_metadata',
          'not_string_values',
          `event_metadata.${key} must be a string, got ${shown(v)}`,
        );
      out[key] = String(v);
    }
    return JSON.stringify(out);
  }

  /** The row's dedupe key; null when it repeats an earlier row's (`dedupe`). */
  private timeuuid(row: Row, dedupe: boolean): string | null {
    if (this.columns.timeuuid === undefined) return randomUUID();
    const value = scalarText(this.read.timeuuid(row));
    if (!value) return randomUUID();
    if (!dedupe) return value;
    if (this.seen.has(value)) {
      this.duplicates++;
      return null;
    }
    this.seen.add(value);
    return value;
  }
}
