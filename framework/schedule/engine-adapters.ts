/**
 * The scheduler's dependencies over the real engine: loads go through `ingestDay` (atomic,
 * ledger written with the data), readiness checks and rechecks through the mapping's own
 * connector with the same QuerySpec and DayFilter the engine uses, the ledger from the store.
 * `ingest apply` and the agent build their schedulers with `engineSchedulerDeps`.
 */
import { randomUUID } from 'node:crypto';
import type { LoadedMapping } from '../config/project.js';
import type { IsoDate } from '../config/types.js';
import { mappingConfigHash } from '../engine/config-hash.js';
import { ingestDay, mappingOrThrow } from '../engine/ingest-day.js';
import { dayFilter, querySpec } from '../engine/query-stage.js';
import type { EngineContext } from '../engine/types.js';
import { zoneOrThrow } from '../util/time.js';
import { ConnectorProbe } from './connector-probe.js';
import type { SchedulerDeps } from './context.js';
import type { Clock, DayLoader, LoadOutcome, ScheduledMapping, SourceProbe } from './types.js';
import type { SchedulerState } from './state.js';

/** Loads days with the engine; `trigger` from the scheduler becomes the ledger's trigger. */
export function engineDayLoader(engine: EngineContext): DayLoader {
  return {
    async load(mapping, day, trigger): Promise<LoadOutcome> {
      const result = await ingestDay({ ...engine, trigger }, mapping.name, day);
      const [entry] = await engine.store.ledger({ ingestion: mapping.name, from: day, to: day });
      return {
        status: result.status === 'skipped' ? 'succeeded' : result.status,
        rowsLoaded: result.rowsLoaded,
        sourceRowCount: result.sourceRowCount ?? entry?.sourceRowCount ?? null,
        fingerprint: entry?.sourceFingerprint ?? null,
        error: result.errorMessage ?? undefined,
        hint: result.errorHint,
      };
    },
    async markNoData(mapping, day, reason) {
      const loaded = mappingOrThrow(engine, mapping.name);
      const now = new Date();
      await engine.store.recordDayOutcome({
        ingestion: mapping.name,
        date: day,
        status: 'no_data',
        errorClass: null,
        errorMessage: reason,
        errorHint: null,
        rowsLoaded: 0,
        rowsRejected: 0,
        rejectReasons: {},
        duplicates: 0,
        sourceRowCount: 0,
        sourceFingerprint: null,
        configHash: mappingConfigHash(loaded, engine.project.settings),
        commitSha: engine.commitSha ?? null,
        trigger: 'schedule',
        startedAt: now,
        finishedAt: now,
        firstLoadedAt: now,
        loadId: randomUUID(),
      });
    },
  };
}

/** Readiness checks, rechecks and signals through the mapping's connector. */
export function engineSourceProbe(engine: EngineContext): SourceProbe {
  const zone = zoneOrThrow(engine.project.settings.timeZone);
  const loaded = (mapping: ScheduledMapping): LoadedMapping => mappingOrThrow(engine, mapping.name);
  const columns = async (mapping: LoadedMapping) => {
    let described = engine.connectors.described.get(mapping.config.name);
    if (!described) {
      described = engine.connectors.get(mapping.config.source).then((c) => c.describe(querySpec(mapping)));
      engine.connectors.described.set(mapping.config.name, described);
      described.catch(() => engine.connectors.described.delete(mapping.config.name));
    }
    return described;
  };
  return new ConnectorProbe({
    connector: (source) => engine.connectors.get(source),
    query: async (mapping) => querySpec(loaded(mapping)),
    dayFilter: async (mapping, day: IsoDate) => {
      const m = loaded(mapping);
      return dayFilter(m, await columns(m), day, zone);
    },
  });
}

/** Everything a Scheduler needs, over the engine and the store of `engine`. */
export function engineSchedulerDeps(engine: EngineContext, state: SchedulerState, clock: Clock): SchedulerDeps {
  // The engine's "latest complete day" follows the scheduler's clock.
  return {
    clock,
    loader: engineDayLoader({ ...engine, now: () => clock.now() }),
    probe: engineSourceProbe(engine),
    ledger: engine.store,
    state,
  };
}
