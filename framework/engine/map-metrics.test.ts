import { describe, expect, it } from 'vitest';
import { MetricsMapper } from './map-metrics.js';
import { zoneOrThrow } from '../util/time.js';

const columns = {
  unit_id: 'u',
  id_type: 't',
  date: 'd',
  metric_name: 'n',
  metric_value: 'v',
  numerator: 'num',
  denominator: 'den',
};
const PST = zoneOrThrow('PST');
const mapper = (day: string | null = '2026-10-01', zone = PST) =>
  new MetricsMapper(columns, { ingestion: 'm', day, idTypes: ['user_id', 'company_id'], zone });
const row = (over: Record<string, unknown> = {}) =>
  ({ u: 'u1', t: 'user_id', d: '2026-10-01', n: 'revenue', v: '12.5', num: null, den: null, ...over }) as never;

describe('MetricsMapper', () => {
  it('converts numeric text and bigints, and keeps the row date', () => {
    expect(mapper().map(row({ u: 42n }))).toEqual({
      ok: true,
      record: {
        ingestion: 'm',
        date: '2026-10-01',
        unit_id: '42',
        id_type: 'user_id',
        metric_name: 'revenue',
        metric_value: 12.5,
        numerator: null,
        denominator: null,
      },
    });
  });

  it('puts a timestamp date on its day in the day-boundary zone, as the day filter does', () => {
    // PST is UTC-8: 07:59:59 UTC belongs to the previous day, 08:00:00 UTC to its own.
    expect(mapper('2026-10-01').map(row({ d: new Date('2026-10-02T07:59:59Z') }))).toMatchObject({
      ok: true,
      record: { date: '2026-10-01' },
    });
    expect(mapper('2026-10-01').map(row({ d: new Date('2026-10-01T08:00:00Z') }))).toMatchObject({
      ok: true,
      record: { date: '2026-10-01' },
    });
    expect(mapper('2026-10-01').map(row({ d: new Date('2026-10-01T07:59:59Z') }))).toMatchObject({
      ok: false,
      problem: { rule: 'date.outside_day' },
    });
    expect(mapper('2026-10-02').map(row({ d: new Date('2026-10-02T08:00:00Z') }))).toMatchObject({
      ok: true,
      record: { date: '2026-10-02' },
    });
    // In UTC the same instants fall on their UTC dates.
    expect(mapper('2026-10-02', zoneOrThrow('UTC')).map(row({ d: new Date('2026-10-02T07:59:59Z') }))).toMatchObject({
      ok: true,
      record: { date: '2026-10-02' },
    });
    // A sample (no day) keeps each timestamp's zone day.
    expect(mapper(null).map(row({ d: new Date('2026-10-02T03:00:00Z') }))).toMatchObject({
      ok: true,
      record: { date: '2026-10-01' },
    });
  });

  it('compares id types case-sensitively', () => {
    expect(mapper().map(row({ t: 'Company_ID' }))).toMatchObject({
      ok: false,
      problem: { rule: 'id_type.undeclared' },
    });
    expect(mapper().map(row({ t: 'company_id' }))).toMatchObject({ ok: true });
  });

  it('lists every problem of a row, one per column, for samples', () => {
    const problems = mapper(null).problems(row({ u: null, t: 'team_id', d: 'soon', n: 'x'.repeat(128), v: 'abc' }));
    expect(problems.map((p) => p.rule)).toEqual([
      'unit_id.missing',
      'id_type.undeclared',
      'date.invalid',
      'metric_name.too_long',
      'metric_value.not_numeric',
    ]);
    expect(mapper().problems(row())).toEqual([]);
  });

  it('treats a metric as a ratio when any row of the day has both parts, whatever the row order', () => {
    const m = mapper();
    expect(m.map(row({ n: 'conv', v: 1 }))).toMatchObject({ ok: true });
    expect(m.map(row({ n: 'conv', v: null, num: 1, den: 2 }))).toMatchObject({ ok: true });
    // Value-only rows before and after the ratio row are both accepted for now and moved at the end of the day.
    expect(m.map(row({ n: 'conv', v: 3 }))).toMatchObject({ ok: true });
    expect(m.map(row({ n: 'plain', v: 3 }))).toMatchObject({ ok: true });
    expect(m.metricsToRecheck()).toEqual(['conv']);
  });

  it('rejects the rows that decide alone: a numerator without denominator, or neither value nor both parts', () => {
    const m = mapper();
    expect(m.map(row({ n: 'conv', v: 3, num: 1 }))).toMatchObject({
      ok: false,
      problem: { rule: 'denominator.null_in_ratio' },
    });
    expect(m.map(row({ n: 'conv', v: null, den: 2 }))).toMatchObject({
      ok: false,
      problem: { rule: 'numerator.missing' },
    });
    expect(m.map(row({ n: 'conv', v: null }))).toMatchObject({ ok: false, problem: { rule: 'metric_value.missing' } });
    expect(m.metricsToRecheck()).toEqual([]);
  });
});
