/** The agent's data for its page (page/types.ts): read from the store and the running scheduler. */
import type { LoadedProject } from '../config/project.js';
import { readLiftHistory } from '../experiments/lift-history.js';
import { readExperimentResults } from '../experiments/results.js';
import { readState } from '../experiments/state.js';
import type { ConfigStatus, IngestionInfo } from '../status/types.js';
import type { Store } from '../store/types.js';
import type { PageBackend, PageOverview } from './page/types.js';
import type { AgentRuntime } from './runtime.js';

export interface RunningView {
  project: LoadedProject;
  runtime: AgentRuntime;
  store: Store;
  config: ConfigStatus;
  ingestions: IngestionInfo[];
}

/** A PageBackend over whatever configuration is running when the page is asked for. */
export function pageSource(current: () => RunningView | null): PageBackend {
  return {
    async overview(): Promise<PageOverview | null> {
      const r = current();
      if (!r) return null;
      const [ledger, attempts, nextLoads] = await Promise.all([
        r.store.ledger(),
        r.store.attempts(),
        r.runtime.scheduler.nextLoads(),
      ]);
      const experiments = [];
      for (const name of [...r.project.experiments.keys()].sort())
        experiments.push({ name, hasResults: (await readState(r.store, name)) !== null });
      return {
        project: r.project.settings.name,
        config: { ...r.config },
        ingestions: r.ingestions,
        ledger,
        attempts,
        nextLoads,
        experiments,
      };
    },
    async experiment(name) {
      const r = current();
      const found = r?.project.experiments.get(name);
      if (!r || !found || !(await readState(r.store, name))) return null;
      const results = await readExperimentResults(r.store, {
        config: found.config,
        exposureSqlText: found.exposureSqlText,
      });
      return { results, history: await readLiftHistory(r.store, name) };
    },
  };
}
