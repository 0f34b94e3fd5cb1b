import { describe, expect, it } from 'vitest';
import type { SignalSchedule } from '../config/types.js';
import { dayRange } from '../util/time.js';
import { playUntil } from './testing/play.js';
import { simulate, testMapping } from './testing/harness.js';

const signal: SignalSchedule = { kind: 'signal', name: 'finished', source: 'warehouse', table: 'signals' };

async function signalSim() {
  const sim = await simulate({
    start: '2024-03-02T00:00:00Z',
    schedules: [signal],
    mappings: [testMapping('s3_events', 'finished', '2024-03-01')],
  });
  for (const day of dayRange('2024-03-01', '2024-03-10'))
    sim.warehouse.land('s3_events', day, 100, '2024-03-01T00:00:00Z');
  return sim;
}

describe('signal schedules', () => {
  it('loads nothing before the first finished_date, then every day up to it', async () => {
    const sim = await signalSim();
    await playUntil(sim.scheduler, sim.clock, '2024-03-02T06:00:00Z');
    expect(sim.warehouse.loads).toEqual([]);
    sim.warehouse.setSignal('finished', ['2024-03-01'], '2024-03-02T06:05:00Z');
    await playUntil(sim.scheduler, sim.clock, '2024-03-02T07:00:00Z');
    expect(sim.warehouse.loads.map((l) => [l.day, l.trigger, l.at.toISOString()])).toEqual([
      ['2024-03-01', 'signal', '2024-03-02T06:15:00.000Z'],
    ]);
  });

  it('a jump from 2024-03-01 to 2024-03-06 loads exactly the 5 missing days; going backwards loads nothing', async () => {
    const sim = await signalSim();
    sim.warehouse.setSignal('finished', ['2024-03-01'], '2024-03-02T00:00:00Z');
    await playUntil(sim.scheduler, sim.clock, '2024-03-07T00:00:00Z');
    expect(sim.warehouse.loads.map((l) => l.day)).toEqual(['2024-03-01']);

    // The skip-date rule: 2024-03-06 implies 03-02 … 03-05 are complete too.
    sim.warehouse.setSignal('finished', ['2024-03-01', '2024-03-06'], '2024-03-07T00:10:00Z');
    await playUntil(sim.scheduler, sim.clock, '2024-03-07T06:00:00Z');
    const after = sim.warehouse.loads.slice(1);
    expect(after.map((l) => [l.day, l.trigger])).toEqual(
      dayRange('2024-03-02', '2024-03-06').map((d) => [d, 'signal']),
    );

    sim.warehouse.setSignal('finished', ['2024-03-04'], '2024-03-07T06:10:00Z');
    const decisions = await playUntil(sim.scheduler, sim.clock, '2024-03-08T06:00:00Z');
    expect(sim.warehouse.loads).toHaveLength(6);
    const ignored = decisions.filter((d) => d.action === 'signal_ignored');
    expect(ignored).toHaveLength(1);
    expect(ignored[0].reason).toContain('2024-03-04 is earlier than 2024-03-06');

    // Moving forward again from the highest date seen still works.
    sim.warehouse.setSignal('finished', ['2024-03-07'], '2024-03-08T06:10:00Z');
    await playUntil(sim.scheduler, sim.clock, '2024-03-08T07:00:00Z');
    expect(sim.warehouse.loads.map((l) => l.day).slice(6)).toEqual(['2024-03-07']);
  });

  it('records a failed poll and polls again at the next interval', async () => {
    const sim = await signalSim();
    sim.warehouse.setSignal('finished', ['2024-03-02'], '2024-03-02T00:00:00Z');
    const probe = sim.warehouse.latestFinishedDate.bind(sim.warehouse);
    let calls = 0;
    sim.warehouse.latestFinishedDate = async (s) => {
      if (++calls === 1) throw new Error('permission denied for table signals');
      return probe(s);
    };
    const decisions = await playUntil(sim.scheduler, sim.clock, '2024-03-02T00:20:00Z');
    expect(decisions.filter((d) => d.action === 'check_failed').map((d) => d.reason)).toEqual([
      'signal poll failed: permission denied for table signals; polled again in 15m',
    ]);
    expect(sim.warehouse.loads.map((l) => [l.day, l.at.toISOString()])).toEqual([
      ['2024-03-01', '2024-03-02T00:15:00.000Z'],
      ['2024-03-02', '2024-03-02T00:15:00.000Z'],
    ]);
  });

  it('polls every pollEvery (default 15m) and no more often', async () => {
    const sim = await signalSim();
    const polls: string[] = [];
    const probe = sim.warehouse.latestFinishedDate.bind(sim.warehouse);
    sim.warehouse.latestFinishedDate = async (s) => {
      polls.push(sim.clock.now().toISOString().slice(11, 16));
      return probe(s);
    };
    await playUntil(sim.scheduler, sim.clock, '2024-03-02T01:00:00Z');
    expect(polls).toEqual(['00:00', '00:15', '00:30', '00:45', '01:00']);
  });
});
