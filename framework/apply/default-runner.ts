/**
 * The data-action runner the CLI uses: the one place where the ingestion engine is wired
 * into apply. Backfills and restatements run through the engine's resumable backfill (each
 * day atomic; days already loaded under the current config are skipped), drops delete an
 * ingestion's rows, rejects and ledger in one transaction.
 */
import type { LoadedProject } from '../config/project.js';
import { WharfError } from '../diagnostics/errors.js';
import { backfill } from '../engine/backfill.js';
import { ConnectorPool } from '../engine/connector-pool.js';
import type { EngineContext, ProgressEvent } from '../engine/types.js';
import { dropIngestionData } from '../store/drop-ingestion.js';
import { storeOver } from '../store/open-store.js';
import type { StoreConnection } from '../store/types.js';
import type { DataActionRunner } from './runner.js';

export interface EngineRunnerOptions {
  /** Progress of each day, for the command's output. */
  onProgress?: (event: ProgressEvent) => void;
}

/** The runner for a project's store, over the connection apply holds under its lock. */
export function dataActionRunnerFor(
  project: LoadedProject,
  connection: StoreConnection,
  options: EngineRunnerOptions = {},
): DataActionRunner & { close(): Promise<void> } {
  let engine: Promise<EngineContext> | undefined;
  const context = () =>
    (engine ??= storeOver(connection).then((store) => ({
      project,
      store,
      connectors: new ConnectorPool(project),
      trigger: 'apply',
      onProgress: options.onProgress,
    })));
  return {
    async ready() {
      await context();
    },
    async backfill(mapping, from, to, trigger) {
      const ctx = await context();
      const result = await backfill({ ...ctx, trigger }, mapping, { from, to });
      const failed = result.days.filter((d) => d.status === 'failed');
      if (failed.length > 0) {
        const first = failed[0];
        throw new WharfError(
          `${failed.length} of ${result.days.length} days of '${mapping}' failed to load; first: ${first.day}: ${first.errorMessage ?? 'unknown error'}`,
          {
            code: 'apply.backfill-failed',
            errorClass: first.errorClass ?? 'internal',
            hint: `See \`ingest status ${mapping}\`; fix the cause, then run \`ingest apply\` again (loaded days are kept and skipped).`,
          },
        );
      }
    },
    async drop(mapping) {
      await connection.transaction((tx) => dropIngestionData(tx, connection.kind, mapping));
    },
    async close() {
      if (engine) await (await engine).connectors.closeAll();
    },
  };
}
