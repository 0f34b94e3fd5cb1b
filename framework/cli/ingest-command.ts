/**
 * What the ingestion commands share: opening the project's store and connectors around a
 * run, progress (views/ingest-progress.ts: a bar on stderr on a terminal, one line per day on
 * stdout otherwise, nothing with --json), and closing everything afterwards.
 */
import { ConnectorPool } from '../engine/connector-pool.js';
import type { EngineContext } from '../engine/types.js';
import { mappingOrThrow } from '../engine/ingest-day.js';
import { openStore } from '../store/open-store.js';
import { zoneOrThrow, latestCompleteDay } from '../util/time.js';
import { ProgressReporter } from '../views/ingest-progress.js';
import { BaseCommand } from './base-command.js';
import type { LoadedProject } from '../config/project.js';

export abstract class IngestCommand extends BaseCommand {
  private progress: ProgressReporter | undefined;

  /**
   * `dayLines`: print one line per finished day when stdout is not a terminal (multi-day
   * commands). `mapping`, when the command names one, is checked before the store is opened.
   */
  protected async withEngine<T>(
    projectFlag: string | undefined,
    trigger: string,
    fn: (ctx: EngineContext) => Promise<T>,
    options: { dayLines?: boolean; mapping?: string } = {},
  ): Promise<T> {
    const project = await this.loadValidProject(projectFlag);
    if (options.mapping !== undefined) mappingOrThrow({ project }, options.mapping);
    const store = await openStore(project.settings.store, project.root);
    const connectors = new ConnectorPool(project);
    this.progress = this.jsonEnabled()
      ? undefined
      : new ProgressReporter({ stdout: process.stdout, stderr: process.stderr, dayLines: options.dayLines ?? true });
    try {
      return await fn({
        project,
        store,
        connectors,
        trigger,
        commitSha: process.env.WHARF_COMMIT_SHA ?? null,
        onProgress: this.progress?.onEvent,
      });
    } finally {
      this.endProgress();
      await connectors.closeAll();
      await store.close();
    }
  }

  /** Clears the progress bar: call before printing the result, so it starts on its own line. */
  protected endProgress(): void {
    this.progress?.finish();
  }

  /** The latest day that has fully ended in the project's zone. */
  protected latestDay(project: LoadedProject): string {
    return latestCompleteDay(new Date(), zoneOrThrow(project.settings.timeZone));
  }
}
