/**
 * Days, zones and durations. Day boundaries follow the project's zone, `PST` by default: a
 * fixed UTC-8 all year (never PDT), as the seeds specify. Fixed offsets and IANA zones are
 * also accepted; IANA zones follow their daylight-saving rules.
 */
import { WharfError } from '../diagnostics/errors.js';

export type Zone = { kind: 'fixed'; offsetMinutes: number; label: string } | { kind: 'iana'; name: string };

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FIXED = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/** Parses a zone name; returns null when it is not one. */
export function parseZone(name: string): Zone | null {
  const upper = name.trim().toUpperCase();
  if (upper === 'PST') return { kind: 'fixed', offsetMinutes: -480, label: 'PST' };
  if (upper === 'UTC' || upper === 'GMT' || upper === 'Z') return { kind: 'fixed', offsetMinutes: 0, label: 'UTC' };
  const m = FIXED.exec(name.trim());
  if (m) {
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
    if (minutes > 14 * 60) return null;
    const offsetMinutes = m[1] === '-' ? -minutes : minutes;
    return { kind: 'fixed', offsetMinutes, label: name.trim() };
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return { kind: 'iana', name };
  } catch {
    return null;
  }
}

export function zoneOrThrow(name: string): Zone {
  const zone = parseZone(name);
  if (!zone) {
    throw new WharfError(`Unknown time zone '${name}'.`, {
      code: 'config.time-zone',
      errorClass: 'config',
      hint: "Use 'PST' (fixed UTC-8), 'UTC', a fixed offset like 'UTC-5' or '+05:30', or an IANA name like 'Europe/Berlin'.",
    });
  }
  return zone;
}

/** The zone's offset from UTC, in minutes, at an instant. */
export function offsetMinutesAt(zone: Zone, instant: Date): number {
  if (zone.kind === 'fixed') return zone.offsetMinutes;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone.name,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

function dateToUtcMidnight(day: string): number {
  if (!isIsoDate(day))
    throw new WharfError(`'${day}' is not a valid date (YYYY-MM-DD).`, { code: 'date.invalid', errorClass: 'config' });
  return Date.parse(`${day}T00:00:00Z`);
}

/** The local wall-clock time `minutesIntoDay` after midnight of `day` in `zone`, as a UTC instant. */
export function zonedTimeToUtc(day: string, minutesIntoDay: number, zone: Zone): Date {
  const wall = dateToUtcMidnight(day) + minutesIntoDay * 60_000;
  // Two passes settle the offset around daylight-saving transitions.
  let guess = wall - offsetMinutesAt(zone, new Date(wall)) * 60_000;
  guess = wall - offsetMinutesAt(zone, new Date(guess)) * 60_000;
  return new Date(guess);
}

/** The day's bounds in `zone` as UTC instants: [fromUtc, toUtc). */
export function dayBounds(day: string, zone: Zone): { fromUtc: Date; toUtc: Date } {
  return { fromUtc: zonedTimeToUtc(day, 0, zone), toUtc: zonedTimeToUtc(addDays(day, 1), 0, zone) };
}

/** The calendar day an instant falls on in `zone`. */
export function dayOf(instant: Date, zone: Zone): string {
  const local = instant.getTime() + offsetMinutesAt(zone, instant) * 60_000;
  return new Date(local).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return new Date(dateToUtcMidnight(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateToUtcMidnight(to) - dateToUtcMidnight(from)) / DAY_MS);
}

/** Every day from `from` to `to`, both included; empty when `to` is before `from`. */
export function dayRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The latest day that has fully ended in `zone` at `now` (yesterday, locally). */
export function latestCompleteDay(now: Date, zone: Zone): string {
  return addDays(dayOf(now, zone), -1);
}

/** `HH:MM` → minutes after midnight. */
export function parseTimeOfDay(value: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!m)
    throw new WharfError(`'${value}' is not a time of day (HH:MM).`, { code: 'time.invalid', errorClass: 'config' });
  return Number(m[1]) * 60 + Number(m[2]);
}

/** `90s`, `30m`, `2h`, `1d` → milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(value);
  if (!m)
    throw new WharfError(`'${value}' is not a duration (e.g. 30m, 2h, 1d).`, {
      code: 'duration.invalid',
      errorClass: 'config',
    });
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: DAY_MS }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
