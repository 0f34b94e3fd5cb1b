import { Args, Flags } from '@oclif/core';
import { WharfError } from '../../diagnostics/errors.js';
import { ingestDay } from '../../engine/ingest-day.js';
import { runAll } from '../../engine/run-all.js';
import { renderDayResult, renderSummaries } from '../../views/ingest-results.js';
import { IngestCommand } from '../ingest-command.js';

export default class Run extends IngestCommand {
  static summary = 'Ingest one day of a mapping, or every mapping up to the latest complete day (--all).';
  static description =
    'With a mapping: loads one day (default: the latest complete day in the project zone) atomically into the store. With --all: loads every mapping from its startDate to the latest complete day (or --to), skipping days already loaded with the same configuration, then prints a summary per ingestion with the reasons of rejected rows.';
  static examples = ['<%= config.bin %> run daily_metrics', '<%= config.bin %> run app_events --date 2026-10-05', '<%= config.bin %> run --all --to 2026-11-20'];
  static args = { mapping: Args.string({ description: 'Mapping to ingest (omit with --all).' }) };
  static flags = {
    date: Flags.string({ description: 'Day to load (YYYY-MM-DD); default the latest complete day.' }),
    all: Flags.boolean({ description: 'Every mapping, from its startDate.' }),
    to: Flags.string({ description: 'With --all: last day to load (default the latest complete day).' }),
    concurrency: Flags.integer({ description: 'Days loaded at once per mapping (default: the source maxConcurrency).', min: 1 }),
    force: Flags.boolean({ description: 'With --all: reload days already loaded with the same configuration.' }),
  };

  async run() {
    const { args, flags } = await this.parse(Run);
    if (flags.all === Boolean(args.mapping)) {
      throw new WharfError('Give either a mapping or --all.', { code: 'cli.run-target', errorClass: 'config', hint: 'ingest run <mapping> [--date D] | ingest run --all [--to D]' });
    }
    return this.withEngine(flags.project, 'manual', async (ctx) => {
      if (flags.all) {
        const summaries = await runAll(ctx, { to: flags.to, concurrency: flags.concurrency, force: flags.force });
        this.endProgress();
        if (!this.jsonEnabled()) this.log(renderSummaries(summaries));
        if (summaries.some((s) => s.failures.length)) process.exitCode = 1;
        return { ingestions: summaries };
      }
      const result = await ingestDay(ctx, args.mapping as string, flags.date ?? this.latestDay(ctx.project));
      this.endProgress();
      if (!this.jsonEnabled()) this.log(renderDayResult(result));
      if (result.status === 'failed') process.exitCode = 1;
      return result;
    }, { dayLines: Boolean(flags.all) });
  }
}
