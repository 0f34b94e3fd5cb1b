/**
 * Deterministic synthetic experiment data for the pipeline's acceptance tests: exposure
 * events (with units exposed twice, some to both groups), daily metric rows for a sum, a mean
 * and a ratio metric with a heavy tail and a pre-exposure correlation, and purchase events.
 */
import { addDays } from '../../framework/util/time.js';
import type { TestEvent, TestMetric } from '../support/experiment-store.js';
import { mulberry32 } from '../support/random.js';

export const DATA_START = '2026-01-01';
export const EXPERIMENT_START = '2026-01-08';
/** Day 10 and day 20 of the experiment. */
export const DAY_10 = '2026-01-17';
export const DAY_20 = '2026-01-27';

/** A UTC timestamp text inside the PST day `day` (08:00 UTC to 08:00 UTC next day). */
export function timeInDay(day: string, seconds: number): string {
  const t = new Date(`${day}T08:00:00Z`).getTime() + Math.floor(seconds) * 1000;
  return new Date(t).toISOString().replace('T', ' ').replace('Z', '').slice(0, 19);
}

export interface SyntheticData {
  events: TestEvent[];
  metrics: TestMetric[];
}

export function syntheticData(units = 600, seed = 7): SyntheticData {
  const rand = mulberry32(seed);
  const events: TestEvent[] = [];
  const metrics: TestMetric[] = [];
  for (let u = 1; u <= units; u++) {
    const id = `u${String(u).padStart(4, '0')}`;
    const group = rand() < 0.5 ? 'control' : 'test';
    const exposureDay = addDays(EXPERIMENT_START, Math.floor(rand() * 16));
    const exposureSeconds = rand() * 86000;
    const exposure = (day: string, g: string, s: number) =>
      events.push({
        ingestion: 'app',
        day,
        timestamp: timeInDay(day, s),
        event_name: 'exposure',
        event_value: g,
        event_metadata: JSON.stringify({ experiment: 'synthetic' }),
        user_id: id,
      });
    exposure(exposureDay, group, exposureSeconds);
    if (u % 50 === 0) exposure(exposureDay, group, exposureSeconds + 100); // duplicate exposure, same group
    if (u % 97 === 0 && exposureDay < DAY_10)
      exposure(exposureDay, group === 'test' ? 'control' : 'test', exposureSeconds + 50); // both groups: excluded
    const base = 5 + rand() * 20;
    for (let day = DATA_START; day <= DAY_20; day = addDays(day, 1)) {
      const treated = group === 'test' && day >= exposureDay;
      if (rand() < 0.6) {
        const tail = rand() < 0.01 ? 40 : 1;
        metrics.push({
          ingestion: 'm',
          date: day,
          unit_id: id,
          metric_name: 'spend',
          metric_value: Math.round(base * (0.5 + rand()) * tail * (treated ? 1.1 : 1) * 100) / 100,
        });
      }
      if (rand() < 0.4)
        metrics.push({
          ingestion: 'm',
          date: day,
          unit_id: id,
          metric_name: 'order_value',
          metric_value: Math.round((base + rand() * 10) * (treated ? 1.05 : 1) * 100) / 100,
        });
      if (rand() < 0.5) {
        const den = 1 + Math.floor(rand() * 4);
        metrics.push({
          ingestion: 'm',
          date: day,
          unit_id: id,
          metric_name: 'conversion',
          metric_value: null,
          numerator: Math.floor(rand() * (den + 1)),
          denominator: den,
        });
      }
      if (rand() < 0.3)
        events.push({
          ingestion: 'app',
          day,
          timestamp: timeInDay(day, rand() * 86000),
          event_name: 'view',
          event_value: null,
          event_metadata: null,
          user_id: id,
        });
      const purchases = Math.floor(rand() * 3);
      for (let k = 0; k < purchases; k++) {
        events.push({
          ingestion: 'app',
          day,
          timestamp: timeInDay(day, rand() * 86000),
          event_name: 'purchase',
          event_value: String(Math.round(rand() * 500) / 10),
          event_metadata: null,
          user_id: id,
        });
      }
    }
  }
  return { events, metrics };
}
