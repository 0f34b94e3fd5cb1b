/**
 * What the agent's parts read of the configuration in effect: the commit loop (commit-loop.ts)
 * keeps it, the API backend, the status reports and the page read it.
 */
import type { LoadedProject } from '../config/project.js';
import type { ConfigStatus, IngestionInfo } from '../status/types.js';
import type { Store } from '../store/types.js';
import type { AgentRuntime } from './runtime.js';

/** The configuration running now: its project, commit, schedules and the store it loads into. */
export interface RunningConfig {
  project: LoadedProject;
  sha: string;
  runtime: AgentRuntime;
  store: Store;
}

export interface AppliedConfigView {
  /** The configuration in effect, or null before the first valid commit. */
  running(): RunningConfig | null;
  /** The commit in effect and the last refused one. */
  readonly config: ConfigStatus;
}

export function ingestionsOf(project: LoadedProject): IngestionInfo[] {
  return [...project.mappings.values()].map((m) => ({
    name: m.config.name,
    dataset: m.config.dataset,
    schedule: m.config.schedule,
    owner: m.config.owner,
  }));
}
