import { describe, expect, it } from 'vitest';
import { sampleIngestion, upsert } from '../../test/support/sample-ingestion.js';
import { summarizeLoadedDays } from '../state/loaded-days.js';
import type { NormalizedIngestion, PlanningState } from '../state/types.js';
import { addDays, dayRange } from '../util/time.js';
import { makePlan } from './make-plan.js';
import { assertCurrent, stalenessOf } from './staleness.js';
import type { MappingChange } from './types.js';

const NOW = new Date('2026-11-22T06:00:00Z'); // 2026-11-21 22:00 PST: latest complete day 2026-11-20

function planning(
  applied: NormalizedIngestion[],
  loadedDays: { ingestion: string; from: string; to: string; firstLoadedAt: (day: string) => string }[] = [],
): PlanningState {
  const ingestions = Object.fromEntries(applied.map((c) => [c.mapping.name, { ...upsert(c), appliedSerial: 3 }]));
  const days = loadedDays.flatMap((l) =>
    dayRange(l.from, l.to).map((date) => ({
      ingestion: l.ingestion,
      date,
      firstLoadedAt: new Date(l.firstLoadedAt(date)),
    })),
  );
  return {
    state: { formatVersion: 1, serial: 3, lineage: 'lineage-1', ingestions },
    loaded: summarizeLoadedDays(days, NOW),
  };
}

function plan(
  desired: NormalizedIngestion[],
  state: PlanningState,
  extra: { targets?: string[]; destroyData?: boolean; now?: Date } = {},
) {
  return makePlan({
    project: 'demo',
    timeZone: 'PST',
    desired: Object.fromEntries(desired.map((c) => [c.mapping.name, c])),
    planning: state,
    now: extra.now ?? NOW,
    ...extra,
  });
}

const nextMorning = (day: string) => `${addDays(day, 1)}T17:00:00Z`;

describe('makePlan', () => {
  it('backfills a new ingestion from its start date to the latest complete day in the project zone', () => {
    const p = plan([sampleIngestion('a', { startDate: '2026-11-01' })], planning([]));
    expect(p.latestCompleteDay).toBe('2026-11-20');
    expect(p.changes[0].dataActions).toEqual([
      expect.objectContaining({
        kind: 'load',
        purpose: 'backfill',
        ranges: [{ from: '2026-11-01', to: '2026-11-20' }],
        days: 20,
      }),
    ]);
    // One hour later it is 2026-11-21 23:00 PST: still the same latest complete day; two hours later it moves on.
    expect(
      plan([sampleIngestion('a', { startDate: '2026-11-01' })], planning([]), { now: new Date('2026-11-22T08:00:00Z') })
        .summary.daysToLoad,
    ).toBe(21);
  });

  it('restates only the days still inside the recheck window, by their first-load time', () => {
    const state = planning(
      [sampleIngestion('a')],
      [{ ingestion: 'a', from: '2026-10-01', to: '2026-11-20', firstLoadedAt: nextMorning }],
    );
    const p = plan([sampleIngestion('a', { sqlText: 'SELECT 2\n' })], state);
    // Window 3 days before NOW (2026-11-19 06:00Z): days first loaded after it are 11-18, 11-19 and 11-20.
    expect(p.changes[0].dataActions).toEqual([
      expect.objectContaining({
        purpose: 'restate',
        policy: 'recheck-window',
        ranges: [{ from: '2026-11-18', to: '2026-11-20' }],
        days: 3,
      }),
    ]);
    expect((p.changes[0] as MappingChange).sqlDiff).toContain('+SELECT 2');
  });

  it('restates every loaded day with restate all, and none with restate none', () => {
    const loaded = [
      { ingestion: 'a', from: '2026-10-01', to: '2026-10-10', firstLoadedAt: nextMorning },
      { ingestion: 'a', from: '2026-10-20', to: '2026-10-21', firstLoadedAt: nextMorning },
    ];
    const all = plan(
      [sampleIngestion('a', { restate: 'all', sqlText: 'x\n' })],
      planning([sampleIngestion('a', { restate: 'all' })], loaded),
    );
    expect(all.changes[0].dataActions[0]).toMatchObject({
      ranges: [
        { from: '2026-10-01', to: '2026-10-10' },
        { from: '2026-10-20', to: '2026-10-21' },
      ],
      days: 12,
    });
    const none = plan(
      [sampleIngestion('a', { restate: 'none', sqlText: 'x\n' })],
      planning([sampleIngestion('a', { restate: 'none' })], loaded),
    );
    expect(none.changes[0].dataActions).toEqual([
      { kind: 'none', reason: expect.stringContaining('restate policy none: the 12 loaded days keep the old version') },
    ]);
    expect(none.summary.daysToLoad).toBe(0);
  });

  it('makes a schedule change one change listing the mappings it affects, with no data action', () => {
    const p = plan(
      [sampleIngestion('a', { at: '11:00' }), sampleIngestion('b', { at: '11:00' })],
      planning(
        [sampleIngestion('a'), sampleIngestion('b')],
        [{ ingestion: 'a', from: '2026-11-01', to: '2026-11-20', firstLoadedAt: nextMorning }],
      ),
    );
    const shared = p.changes.filter((c) => c.type !== 'mapping');
    expect(shared).toEqual([
      expect.objectContaining({
        address: `schedule.${sampleIngestion('a').mapping.schedule}`,
        action: 'update',
        attributes: [{ path: 'at', action: 'change', before: '09:00', after: '11:00' }],
        affects: ['mapping.a', 'mapping.b'],
      }),
    ]);
    expect(shared[0].dataActions.map((a) => a.kind)).toEqual(['none']);
    // The mappings are still recorded by apply, but not counted or shown apart.
    expect(p.changes.filter((c) => c.type === 'mapping')).toEqual([
      expect.objectContaining({ action: 'update', attributes: [], via: [shared[0].address], dataActions: [] }),
      expect.objectContaining({ action: 'update', via: [shared[0].address] }),
    ]);
    expect(p.summary).toMatchObject({ add: 0, change: 1, remove: 0, daysToLoad: 0 });
  });

  it('keeps a switch to another schedule on the mapping, which shows every differing attribute', () => {
    const before = sampleIngestion('a');
    const after: NormalizedIngestion = {
      ...before,
      mapping: { ...before.mapping, schedule: 'other' },
      schedule: { ...before.schedule, name: 'other' },
    };
    const p = plan([after], planning([before]));
    expect(p.changes.map((c) => c.address)).toEqual(['mapping.a']);
    expect(p.changes[0].attributes.map((a) => a.path)).toEqual(['mapping.schedule', 'schedule.name']);
  });

  it('drops and reloads everything when the dataset changes', () => {
    const before = sampleIngestion('a');
    const after: NormalizedIngestion = {
      ...before,
      mapping: {
        ...before.mapping,
        dataset: 'events',
        columns: { timestamp: 'ts', event_name: 'e', userID: 'u' },
      } as NormalizedIngestion['mapping'],
    };
    const p = plan(
      [after],
      planning([before], [{ ingestion: 'a', from: '2026-11-10', to: '2026-11-20', firstLoadedAt: nextMorning }]),
    );
    expect(p.changes[0].dataActions.map((a) => [a.kind, a.kind === 'drop' || a.kind === 'load' ? a.days : 0])).toEqual([
      ['drop', 11],
      ['load', 51],
    ]);
  });

  it('backfills the added days when the start date moves earlier', () => {
    const p = plan([sampleIngestion('a', { startDate: '2026-09-25' })], planning([sampleIngestion('a')]));
    expect(p.changes[0].dataActions).toEqual([
      expect.objectContaining({ purpose: 'backfill', ranges: [{ from: '2026-09-25', to: '2026-09-30' }], days: 6 }),
    ]);
  });

  it("keeps a removed ingestion's data unless --destroy-data", () => {
    const state = planning(
      [sampleIngestion('a')],
      [{ ingestion: 'a', from: '2026-11-01', to: '2026-11-20', firstLoadedAt: nextMorning }],
    );
    expect(plan([], state).changes[0].dataActions).toEqual([
      { kind: 'none', reason: expect.stringContaining('data kept: the 20 loaded days stay') },
    ]);
    expect(plan([], state, { destroyData: true }).summary).toMatchObject({ remove: 1, daysToDrop: 20 });
  });

  it('never shows a secret value: sources carry only the reference', () => {
    process.env.DEMO_PASSWORD = 'first-secret-value';
    const first = plan([sampleIngestion('a')], planning([]));
    process.env.DEMO_PASSWORD = 'rotated-secret-value';
    const state = planning([sampleIngestion('a')]);
    const second = plan([sampleIngestion('a')], state);
    expect(second.changes[0].action).toBe('no-op');
    expect(JSON.stringify(first)).not.toContain('secret-value');
    expect(JSON.stringify(first)).toContain('"env":"DEMO_PASSWORD"');
  });

  it('limits the plan to targets and rejects unknown ones by name', () => {
    const p = plan(
      [sampleIngestion('a', { at: '10:00' }), sampleIngestion('b', { at: '10:00' })],
      planning([sampleIngestion('a'), sampleIngestion('b')]),
      { targets: ['b'] },
    );
    expect(p.changes.map((c) => c.address)).toEqual(['mapping.b', 'schedule.daily_9am']);
    expect(p.changes[1]).toMatchObject({ affects: ['mapping.b'] });
    expect(() => plan([sampleIngestion('a')], planning([]), { targets: ['nope'] })).toThrow(
      /--target nope: no such mapping.*/,
    );
  });

  it('is stale when the state serial, lineage or config hash moved', () => {
    const p = plan([sampleIngestion('a')], planning([]));
    const current = { serial: 3, lineage: 'lineage-1' };
    expect(stalenessOf(p, current, p.configHash)).toBeNull();
    expect(stalenessOf(p, { serial: 4, lineage: 'lineage-1' }, p.configHash)).toMatch(
      /state changed.*serial 3 then, 4 now/,
    );
    expect(stalenessOf(p, current, 'sha256:other')).toMatch(/configuration changed/);
    expect(() => assertCurrent(p, current, 'sha256:other', 'plan.json')).toThrow(
      /plan.json is stale.*Nothing was applied/,
    );
    const applied = plan([sampleIngestion('a', { at: '10:00' })], planning([sampleIngestion('a')]));
    expect(stalenessOf(applied, { serial: 3, lineage: 'another' }, applied.configHash)).toMatch(/lineage lineage-1/);
  });
});
