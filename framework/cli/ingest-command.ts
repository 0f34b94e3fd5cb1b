/**
 * What the ingestion commands share: opening the project's store and connectors around a
 * run, progress on stderr (in place on a terminal, plain lines otherwise, none with --json),
 * and closing everything afterwards.
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
  /** `mapping`, when the command names one, is checked before the store is opened or created. */
  protected async withEngine<T>(projectFlag: string | undefined, trigger: string, fn: (ctx: EngineContext) => Promise<T>, mapping?: string): Promise<T> {
    const project = await this.loadValidProject(projectFlag);
    if (mapping !== undefined) mappingOrThrow({ project }, mapping);
    const store = await openStore(project.settings.store, project.root);
    const connectors = new ConnectorPool(project);
    const progress = this.jsonEnabled() ? undefined : new ProgressReporter((t) => process.stderr.write(t), Boolean(process.stderr.isTTY));
    try {
      return await fn({ project, store, connectors, trigger, commitSha: process.env.WHARF_COMMIT_SHA ?? null, onProgress: progress?.onEvent });
    } finally {
      progress?.finish();
      await connectors.closeAll();
      await store.close();
    }
  }

  /** The latest day that has fully ended in the project's zone. */
  protected latestDay(project: LoadedProject): string {
    return latestCompleteDay(new Date(), zoneOrThrow(project.settings.timeZone));
  }
}
