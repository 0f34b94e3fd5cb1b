import { Args, Flags } from '@oclif/core';
import { renderLedger } from '../../views/ledger-status.js';
import { openStore } from '../../store/open-store.js';
import { mappingOrThrow } from '../../engine/ingest-day.js';
import { checkDayRange } from '../day-arguments.js';
import { IngestCommand } from '../ingest-command.js';

export default class Status extends IngestCommand {
  static summary = 'Show the ledger day by day: succeeded, no data or failed, with row counts and errors.';
  static examples = ['<%= config.bin %> status', '<%= config.bin %> status daily_metrics --from 2026-10-01 --json'];
  static args = { mapping: Args.string({ description: 'Only this mapping.' }) };
  static flags = {
    from: Flags.string({ description: 'First day (YYYY-MM-DD).' }),
    to: Flags.string({ description: 'Last day (YYYY-MM-DD).' }),
  };

  async run() {
    const { args, flags } = await this.parse(Status);
    checkDayRange({ flag: 'from', value: flags.from }, { flag: 'to', value: flags.to });
    const project = await this.loadValidProject(flags.project);
    if (args.mapping !== undefined) mappingOrThrow({ project }, args.mapping);
    const store = await openStore(project.settings.store, project.root);
    try {
      const entries = await store.ledger({ ingestion: args.mapping, from: flags.from, to: flags.to });
      if (!this.jsonEnabled()) this.log(renderLedger(entries));
      return { ledger: entries };
    } finally {
      await store.close();
    }
  }
}
