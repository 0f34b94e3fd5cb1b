import { Flags } from '@oclif/core';
import { exportState } from '../../../apply/operations.js';
import { BaseCommand } from '../../base-command.js';
import { lockTimeoutMs } from '../../state-flags.js';

export default class StateExport extends BaseCommand {
  static summary = 'Write the applied state and loaded-days summary to status/state.json.';
  static description =
    "Reads the applied state and each ingestion's loaded days from the store and writes them to <statusDir>/state.json. Commit that file so `ingest plan --state repo` can plan in a pull request without store or warehouse credentials. It holds no secret values.";
  static examples = ['<%= config.bin %> state export', '<%= config.bin %> state export --json'];

  static flags = {
    'lock-timeout': Flags.string({
      description: 'How long to wait for a store held by another process, e.g. 30s.',
      default: '0s',
    }),
  };

  async run() {
    const { flags } = await this.parse(StateExport);
    const project = await this.loadValidProject(flags.project);
    const { snapshot, file } = await exportState(project, new Date(), lockTimeoutMs(flags['lock-timeout']));
    const count = Object.keys(snapshot.ingestions).length;
    this.log(`Wrote ${file}: serial ${snapshot.serial}, ${count} ingestion${count === 1 ? '' : 's'}.`);
    return { file, serial: snapshot.serial, lineage: snapshot.lineage, ingestions: count };
  }
}
