import { Args, Flags } from '@oclif/core';
import { sampleMapping } from '../../engine/sample.js';
import { renderSample } from '../../views/sample.js';
import { IngestCommand } from '../ingest-command.js';

export default class Sample extends IngestCommand {
  static summary = "Run a mapping's query with a limit and show the mapped rows and every problem, per column.";
  static description = 'The small sample query to run before scheduling an ingestion: nothing is written to the store.';
  static examples = ['<%= config.bin %> sample app_events --limit 20'];
  static args = { mapping: Args.string({ description: 'Mapping to sample.', required: true }) };
  static flags = { limit: Flags.integer({ description: 'Rows to fetch.', default: 20, min: 1 }) };

  async run() {
    const { args, flags } = await this.parse(Sample);
    return this.withEngine(
      flags.project,
      'sample',
      async (ctx) => {
        const result = await sampleMapping(ctx, args.mapping, flags.limit);
        if (!this.jsonEnabled()) this.log(renderSample(result));
        return result;
      },
      { dayLines: false, mapping: args.mapping },
    );
  }
}
