import { Args, Flags } from '@oclif/core';
import { LEDGER_SUMMARY_VERSION, summarizeLedger } from '../../status/ledger-summary.js';
import { renderLedger } from '../../views/ledger-status.js';
import { renderLedgerSummary } from '../../views/ledger-summary.js';
import { openStore } from '../../store/open-store.js';
import { mappingOrThrow } from '../../engine/ingest-day.js';
import { checkDayRange } from '../day-arguments.js';
import { IngestCommand } from '../ingest-command.js';

export default class Status extends IngestCommand {
  static summary = 'Summarize the ledger: one line per ingestion, or day by day with --days.';
  static description =
    'Without --days, prints per ingestion the days succeeded / no data / failed, the last loaded day, rows, rejects and duplicate rows dropped, and the latest failed attempt when it is newer than the last good load. --json always carries both the ledger and the summary.';
  static examples = [
    '<%= config.bin %> status',
    '<%= config.bin %> status daily_metrics --days --from 2026-10-01',
    '<%= config.bin %> status --json',
  ];
  static args = { mapping: Args.string({ description: 'Only this mapping.' }) };
  static flags = {
    days: Flags.boolean({ description: 'Print the ledger day by day, one table per ingestion.' }),
    from: Flags.string({ description: 'First day (YYYY-MM-DD).' }),
    to: Flags.string({ description: 'Last day (YYYY-MM-DD).' }),
  };

  async run() {
    const { args, flags } = await this.parse(Status);
    checkDayRange({ flag: 'from', value: flags.from }, { flag: 'to', value: flags.to });
    const project = await this.loadValidProject(flags.project);
    const store = await openStore(project.settings.store, project.root);
    try {
      const query = { ingestion: args.mapping, from: flags.from, to: flags.to };
      const entries = await store.ledger(query);
      // A name that is neither a mapping nor in the ledger (a removed mapping still is) is a typo.
      if (args.mapping !== undefined && entries.length === 0 && !project.mappings.has(args.mapping))
        mappingOrThrow({ project }, args.mapping);
      const summary = summarizeLedger(entries, await store.attempts(query));
      if (!this.jsonEnabled()) this.log(flags.days ? renderLedger(entries) : renderLedgerSummary(summary));
      return { ledger: entries, summaryVersion: LEDGER_SUMMARY_VERSION, summary };
    } finally {
      await store.close();
    }
  }
}
