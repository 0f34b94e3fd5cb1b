import { Args, Flags } from '@oclif/core';
import { WharfError } from '../../diagnostics/errors.js';
import { loadProject } from '../../config/loader.js';
import type { LoadedProject } from '../../config/project.js';
import { ingestDay } from '../../engine/ingest-day.js';
import { runAll } from '../../engine/run-all.js';
import { renderDayResult, renderSummaries } from '../../views/ingest-results.js';
import { checkDay } from '../day-arguments.js';
import { IngestCommand } from '../ingest-command.js';

export default class Run extends IngestCommand {
  static summary = 'Ingest one day of a mapping, or every mapping up to the latest complete day (--all).';
  static description =
    'With a mapping: loads one day (default: the latest complete day in the project zone) atomically into the store. With --all: loads every mapping from its startDate to the latest complete day (or --to), skipping days already loaded with the same configuration, then prints a summary per ingestion with the reasons of rejected rows.';
  static examples = [
    '<%= config.bin %> run daily_metrics',
    '<%= config.bin %> run app_events --date 2026-10-05',
    '<%= config.bin %> run --all --to 2026-11-20',
  ];
  static args = { mapping: Args.string({ description: 'Mapping to ingest (omit with --all).' }) };
  static flags = {
    date: Flags.string({ description: 'Day to load (YYYY-MM-DD); default the latest complete day.' }),
    all: Flags.boolean({ description: 'Every mapping, from its startDate.' }),
    to: Flags.string({ description: 'With --all: last day to load (default the latest complete day).' }),
    concurrency: Flags.integer({
      description: 'Days loaded at once per mapping (default: the source maxConcurrency).',
      min: 1,
    }),
    force: Flags.boolean({ description: 'With --all: reload days already loaded with the same configuration.' }),
    'allow-empty': Flags.boolean({
      description:
        'Accept a query that returns no rows for a day that had rows (replacing them); otherwise such a day is kept and reported failed.',
    }),
  };

  async run() {
    const { args, flags } = await this.parse(Run);
    await this.checkTarget(args.mapping, flags);
    return this.withEngine(
      flags.project,
      'manual',
      async (engine) => {
        const ctx = { ...engine, allowEmpty: flags['allow-empty'] };
        if (flags.all) {
          const summaries = await runAll(ctx, { to: flags.to, concurrency: flags.concurrency, force: flags.force });
          this.endProgress();
          const idle =
            summaries.length === 0 ? nothingToRun(ctx.project, flags.to ?? this.latestDay(ctx.project)) : undefined;
          if (!this.jsonEnabled()) this.log(idle ?? renderSummaries(summaries));
          if (summaries.some((s) => s.failures.length)) process.exitCode = 1;
          return { ingestions: summaries, ...(idle ? { message: idle } : {}) };
        }
        const result = await ingestDay(ctx, args.mapping as string, flags.date ?? this.latestDay(ctx.project));
        this.endProgress();
        if (!this.jsonEnabled()) this.log(renderDayResult(result));
        if (result.status === 'failed') process.exitCode = 1;
        return result;
      },
      { dayLines: Boolean(flags.all), mapping: args.mapping },
    );
  }

  /** Exactly one of a mapping and --all, with the flags that go with it, and valid days. */
  private async checkTarget(
    mapping: string | undefined,
    flags: { all: boolean; date?: string; to?: string; project?: string },
  ): Promise<void> {
    const usage = 'ingest run <mapping> [--date YYYY-MM-DD] | ingest run --all [--to YYYY-MM-DD]';
    if (flags.all && mapping)
      throw new WharfError(`Give either a mapping or --all, not both (got '${mapping}' and --all).`, {
        code: 'cli.run-target',
        errorClass: 'config',
        hint: usage,
      });
    if (!flags.all && !mapping) {
      const names = await this.mappingNames(flags.project);
      throw new WharfError('Which mapping should run? Pass a mapping name, or --all for every mapping.', {
        code: 'cli.run-target',
        errorClass: 'config',
        hint: `${usage}${names.length ? `\n  Mappings: ${names.join(', ')}.` : ''}`,
      });
    }
    if (flags.all && flags.date)
      throw new WharfError('--date loads one day of one mapping; with --all, use --to.', {
        code: 'cli.run-flags',
        errorClass: 'config',
        hint: usage,
      });
    if (!flags.all && flags.to)
      throw new WharfError('--to goes with --all; for one day of a mapping, use --date.', {
        code: 'cli.run-flags',
        errorClass: 'config',
        hint: usage,
      });
    if (flags.date !== undefined) checkDay('date', flags.date);
    if (flags.to !== undefined) checkDay('to', flags.to);
  }

  /** The project's mapping names, for the hint; none when the project does not load. */
  private async mappingNames(projectFlag: string | undefined): Promise<string[]> {
    const { project } = await loadProject(this.projectRoot(projectFlag));
    return project ? [...project.mappings.keys()].sort() : [];
  }
}

/** Why `run --all` loaded nothing: every mapping starts after the last day. */
function nothingToRun(project: LoadedProject, to: string): string {
  const mappings = [...project.mappings.values()];
  if (mappings.length === 0) return 'Nothing to run: the project has no mappings (add one under mappings/).';
  const first = mappings.reduce((a, b) => (b.config.startDate < a.config.startDate ? b : a));
  return `Nothing to run: every mapping starts after ${to} (the earliest, ${first.config.name}, starts on ${first.config.startDate}). Pass a later --to, or omit it to load up to the latest complete day.`;
}
