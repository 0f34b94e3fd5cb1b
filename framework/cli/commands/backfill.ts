import { Args, Flags } from '@oclif/core';
import { backfill } from '../../engine/backfill.js';
import { renderBackfill } from '../../views/ingest-results.js';
import { checkDayRange } from '../day-arguments.js';
import { IngestCommand } from '../ingest-command.js';

export default class Backfill extends IngestCommand {
  static summary = 'Load a range of days of a mapping, each day atomic; resumable after an interruption.';
  static description =
    'Loads every day from --from to --to. Days already loaded with the same configuration are skipped (use --force to reload them), so running the same backfill again after an interruption loads each day exactly once.';
  static examples = ['<%= config.bin %> backfill daily_metrics --from 2026-10-01 --to 2026-10-31 --concurrency 2'];
  static args = { mapping: Args.string({ description: 'Mapping to load.', required: true }) };
  static flags = {
    from: Flags.string({ description: 'First day (YYYY-MM-DD).', required: true }),
    to: Flags.string({ description: 'Last day (YYYY-MM-DD), included.', required: true }),
    concurrency: Flags.integer({ description: 'Days loaded at once (default: the source maxConcurrency).', min: 1 }),
    force: Flags.boolean({ description: 'Reload days already loaded with the same configuration.' }),
    'allow-empty': Flags.boolean({
      description:
        'Accept a query that returns no rows for a day that had rows (replacing them); otherwise such a day is kept and reported failed.',
    }),
  };

  async run() {
    const { args, flags } = await this.parse(Backfill);
    checkDayRange({ flag: 'from', value: flags.from }, { flag: 'to', value: flags.to });
    return this.withEngine(
      flags.project,
      'backfill',
      async (engine) => {
        const ctx = { ...engine, allowEmpty: flags['allow-empty'] };
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        try {
          const result = await backfill(ctx, args.mapping, {
            from: flags.from,
            to: flags.to,
            concurrency: flags.concurrency,
            force: flags.force,
            signal: controller.signal,
          });
          this.endProgress();
          if (!this.jsonEnabled()) this.log(renderBackfill(result));
          if (result.days.some((d) => d.status === 'failed')) process.exitCode = 1;
          return result;
        } finally {
          process.off('SIGINT', stop);
        }
      },
      { mapping: args.mapping },
    );
  }
}
