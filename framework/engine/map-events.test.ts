import { describe, expect, it } from 'vitest';
import { parseZone } from '../util/time.js';
import { EventsMapper, toInstant } from './map-events.js';

const zone = parseZone('PST')!;

describe('event timestamps', () => {
  it('reads UNIX seconds, milliseconds, ISO text and Dates as UTC instants', () => {
    expect(toInstant(1_790_000_000)?.toISOString()).toBe('2026-09-21T14:13:20.000Z');
    expect(toInstant(1_790_000_000_123)?.toISOString()).toBe('2026-09-21T14:13:20.123Z');
    expect(toInstant('1790000000')?.toISOString()).toBe('2026-09-21T14:13:20.000Z');
    expect(toInstant(1_790_000_000n)?.toISOString()).toBe('2026-09-21T14:13:20.000Z');
    expect(toInstant('2026-10-01 12:00:00')?.toISOString()).toBe('2026-10-01T12:00:00.000Z');
    expect(toInstant('2026-10-01T12:00:00+02:00')?.toISOString()).toBe('2026-10-01T10:00:00.000Z');
    expect(toInstant('yesterday')).toBeUndefined();
    expect(toInstant(null)).toBeNull();
  });
});

describe('EventsMapper', () => {
  const mapper = () =>
    new EventsMapper(
      {
        timestamp: 't',
        event_name: 'n',
        event_value: 'v',
        event_metadata: 'm',
        userID: 'uid',
        customIDs: { stableID: 'dev' },
      },
      { ingestion: 'e', day: '2026-10-01', zone },
    );
  const row = (over: Record<string, unknown> = {}) =>
    ({
      t: '2026-10-01 20:00:00',
      n: 'sign up',
      v: 42,
      m: { plan: 'pro', seats: 3 },
      uid: 'u1',
      dev: 'd1',
      ...over,
    }) as never;

  it('converts numbers to strings, spaces to underscores, and builds the user from id columns', () => {
    const out = mapper().map(row());
    expect(out).toMatchObject({
      ok: true,
      record: {
        event_name: 'sign_up',
        event_value: '42',
        event_metadata: '{"plan":"pro","seats":"3"}',
        user: '{"userID":"u1","customIDs":{"stableID":"d1"}}',
        user_id: 'u1',
        custom_ids: '{"stableID":"d1"}',
      },
    });
  });

  it('accepts a user with only a custom id and rejects one without any id', () => {
    expect(mapper().map(row({ uid: null }))).toMatchObject({ ok: true, record: { user_id: null } });
    expect(mapper().map(row({ uid: null, dev: '' }))).toMatchObject({ ok: false, problem: { rule: 'user.no_id' } });
  });

  it('rejects an event of another PST day', () => {
    expect(mapper().map(row({ t: '2026-10-02 08:00:00' }))).toMatchObject({
      ok: false,
      problem: { rule: 'timestamp.outside_day' },
    });
    expect(mapper().map(row({ t: '2026-10-02 07:59:59' }))).toMatchObject({ ok: true });
  });

  it('rejects a 128-character name and accepts 127', () => {
    expect(mapper().map(row({ n: 'a'.repeat(128) }))).toMatchObject({
      ok: false,
      problem: { rule: 'event_name.too_long' },
    });
    expect(mapper().map(row({ n: 'a'.repeat(127) }))).toMatchObject({ ok: true });
  });
});
